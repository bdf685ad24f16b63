package redact

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Mask replaces a secret value in text.
const Mask = "(sensitive value)"

// MinLength is the shortest value a Set redacts: replacing every "a" or
// "42" in the output would destroy it and hide nothing.
const MinLength = 4

// Set is a set of secret values. The zero Set is empty and ready; a nil
// *Set redacts nothing. It is safe for concurrent use.
type Set struct {
	mu     sync.RWMutex
	values []string // longest first, so a value containing another goes whole
}

// Add adds values, each also as it appears inside a JSON string and
// URL-escaped; values shorter than MinLength are ignored.
func (s *Set) Add(values ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range values {
		if len(v) < MinLength {
			continue
		}
		js, _ := json.Marshal(v)
		for _, form := range []string{v, string(js[1 : len(js)-1]), url.QueryEscape(v), url.PathEscape(v)} {
			if !s.has(form) {
				s.values = append(s.values, form)
			}
		}
	}
	sort.SliceStable(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
}

func (s *Set) has(v string) bool {
	for _, x := range s.values {
		if x == v {
			return true
		}
	}
	return false
}

// Len is the number of values.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.values)
}

// String replaces every value in text.
func (s *Set) String(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Mask)
		}
	}
	return text
}

// bytes replaces every value in b, and returns how many bytes at its end
// could begin a value (to be held back until more text comes).
func (s *Set) redactBytes(b []byte) ([]byte, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if bytes.Contains(b, []byte(v)) {
			b = bytes.ReplaceAll(b, []byte(v), []byte(Mask))
		}
	}
	hold := 0
	for _, v := range s.values {
		// The longest suffix of b that is a proper prefix of v.
		n := len(v) - 1
		if n > len(b) {
			n = len(b)
		}
		for ; n > hold; n-- {
			if bytes.HasSuffix(b, []byte(v[:n])) {
				hold = n
				break
			}
		}
	}
	return b, hold
}

// Writer redacts what goes through it to an underlying writer.
type Writer struct {
	set     *Set
	w       io.Writer
	mu      sync.Mutex
	pending []byte
}

// Writer returns a Writer onto w.
func (s *Set) Writer(w io.Writer) *Writer { return &Writer{set: s, w: w} }

// Write redacts p and writes it, except for a tail that could be the
// start of a value, which waits for the next Write or Flush. It reports
// len(p) on success.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.set == nil {
		return w.w.Write(p)
	}
	buf := append(w.pending, p...)
	out, hold := w.set.redactBytes(buf)
	w.pending = append([]byte(nil), out[len(out)-hold:]...)
	if _, err := w.w.Write(out[:len(out)-hold]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 {
		return nil
	}
	out := w.pending
	if w.set != nil {
		out, _ = w.set.redactBytes(out)
	}
	w.pending = nil
	_, err := w.w.Write(out)
	return err
}

// Raw returns a writer that flushes w and then writes to the underlying
// writer unredacted: for output the user asked to see in the clear
// (apply -show-secrets).
func (w *Writer) Raw() io.Writer { return rawWriter{w} }

type rawWriter struct{ w *Writer }

func (r rawWriter) Write(p []byte) (int, error) {
	if err := r.w.Flush(); err != nil {
		return 0, err
	}
	r.w.mu.Lock()
	defer r.w.mu.Unlock()
	return r.w.w.Write(p)
}

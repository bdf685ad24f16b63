package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/providers/graph"
)

// Intervals of the apply's status line: redrawn often on a terminal,
// written as a line of its own every few seconds otherwise.
const (
	statusTerminalInterval = 250 * time.Millisecond
	statusLogInterval      = 5 * time.Second
)

// applyStatus shows a long apply's progress: changes done of the total,
// identity writes in flight, requests waiting for Graph's throttling
// budget, 429 answers, and the estimated time left. On a terminal it is
// one live line under the per-change lines (cleared before each of them
// and redrawn); without a terminal it is a line every few seconds.
type applyStatus struct {
	w        io.Writer
	terminal bool
	tally    *apply.Tally
	budget   func() graph.BudgetStats
	now      func() time.Time
	start    time.Time

	mu    sync.Mutex
	shown bool // the live line is on the screen
	stop  chan struct{}
	done  chan struct{}
}

// startApplyStatus starts the status display of an apply; the returned
// writer carries the per-change lines, and stop ends the display.
func startApplyStatus(w io.Writer, terminal bool, tally *apply.Tally, budget func() graph.BudgetStats) (*applyStatus, io.Writer) {
	s := &applyStatus{w: w, terminal: terminal, tally: tally, budget: budget, now: time.Now,
		stop: make(chan struct{}), done: make(chan struct{})}
	s.start = s.now()
	interval := statusLogInterval
	if terminal {
		interval = statusTerminalInterval
	}
	go s.loop(interval)
	return s, statusLines{s}
}

func (s *applyStatus) loop(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.show()
		}
	}
}

// show draws (terminal) or writes (log) the status line.
func (s *applyStatus) show() {
	line := s.line(s.now())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.terminal {
		fmt.Fprintf(s.w, "\r\x1b[K%s", line)
		s.shown = true
		return
	}
	fmt.Fprintln(s.w, line)
}

// line is the status at now.
func (s *applyStatus) line(now time.Time) string {
	c := s.tally.Counts()
	var b graph.BudgetStats
	if s.budget != nil {
		b = s.budget()
	}
	parts := []string{fmt.Sprintf("Applying: %d/%d done", c.Done(), c.Total)}
	if c.Failed > 0 {
		parts[0] += fmt.Sprintf(" (%d failed)", c.Failed)
	}
	parts = append(parts, fmt.Sprintf("%d writes in flight", b.InFlight))
	parts = append(parts, fmt.Sprintf("%d waiting for throttling budget (%d waits so far)", b.Waiting, b.Waits))
	if b.Throttled > 0 {
		parts = append(parts, fmt.Sprintf("%d throttled (429)", b.Throttled))
	}
	parts = append(parts, eta(now.Sub(s.start), c.Done(), c.Total))
	return strings.Join(parts, ", ")
}

// eta estimates the time left from the pace so far.
func eta(elapsed time.Duration, done, total int) string {
	if done == 0 || total <= done {
		return "estimating time left"
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return "about " + left.Round(time.Second).String() + " left"
}

// finish stops the display and clears the live line.
func (s *applyStatus) finish() {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// statusLines writes the per-change lines, clearing the live line first
// so that it is redrawn under them.
type statusLines struct{ s *applyStatus }

func (l statusLines) Write(p []byte) (int, error) {
	l.s.mu.Lock()
	defer l.s.mu.Unlock()
	if l.s.shown {
		fmt.Fprint(l.s.w, "\r\x1b[K")
		l.s.shown = false
	}
	return l.s.w.Write(p)
}

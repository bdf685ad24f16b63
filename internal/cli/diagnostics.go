package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
)

// ANSI colours used in diagnostics.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiDim    = "\x1b[2m"
)

// diagPrinter renders diagnostics, one per paragraph:
//
//	main.entra.hcl:12,5-18: Unknown permission; Microsoft Graph has no ...
//
// Multi-line ranges read 12,5-14,2. Warnings say "Warning:" after the
// range; diagnostics without a range start with "Error:" or "Warning:".
// With source set (stderr is a terminal) the source lines of the range
// follow, with a caret line under the range; with color, in colour.
type diagPrinter struct {
	files  map[string]*hcl.File
	source bool
	color  bool
}

// showDiagnostics prints diags on stderr, with source snippets when stderr
// is a terminal. Every command reports configuration problems with it.
func (m *Meta) showDiagnostics(files map[string]*hcl.File, diags hcl.Diagnostics) {
	p := diagPrinter{files: files, source: m.StderrIsTerminal, color: m.Color && m.StderrIsTerminal}
	p.write(m.Stderr, diags)
}

func (p diagPrinter) write(w io.Writer, diags hcl.Diagnostics) {
	for _, d := range diags {
		p.writeOne(w, d)
	}
}

func (p diagPrinter) paint(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + ansiReset
}

func (p diagPrinter) writeOne(w io.Writer, d *hcl.Diagnostic) {
	label, code := "Error", ansiRed
	if d.Severity == hcl.DiagWarning {
		label, code = "Warning", ansiYellow
	}
	var b strings.Builder
	if d.Subject != nil {
		b.WriteString(p.paint(ansiBold, d.Subject.String()+":"))
		b.WriteString(" ")
		if d.Severity == hcl.DiagWarning {
			b.WriteString(p.paint(code+ansiBold, label+":") + " ")
		}
	} else {
		b.WriteString(p.paint(code+ansiBold, label+":") + " ")
	}
	b.WriteString(p.paint(ansiBold, capText(d.Summary, maxSummary)))
	if d.Detail != "" {
		b.WriteString("; ")
		b.WriteString(capText(d.Detail, maxDetail))
	}
	b.WriteString("\n")
	if p.source && d.Subject != nil {
		b.WriteString(p.snippet(*d.Subject, code))
	}
	io.WriteString(w, b.String())
}

// snippet renders the source lines of rng (at most three) with a caret
// line under the part of each line that the range covers.
func (p diagPrinter) snippet(rng hcl.Range, code string) string {
	f := p.files[rng.Filename]
	if f == nil || len(f.Bytes) == 0 {
		return ""
	}
	var b strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(f.Bytes))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	last := rng.End.Line
	if last < rng.Start.Line {
		last = rng.Start.Line
	}
	if last > rng.Start.Line+2 {
		last = rng.Start.Line + 2
	}
	width := len(fmt.Sprint(last))
	for line := 1; sc.Scan() && line <= last; line++ {
		if line < rng.Start.Line {
			continue
		}
		text := sc.Text()
		from, to := 1, utf8.RuneCountInString(text)+1
		if line == rng.Start.Line {
			from = rng.Start.Column
		}
		if line == rng.End.Line {
			to = rng.End.Column
		}
		text, from, to = snippetWindow(text, from, to)
		fmt.Fprintf(&b, "%s %s\n", p.paint(ansiDim, fmt.Sprintf("%*d |", width, line)), text)
		fmt.Fprintf(&b, "%s %s\n", p.paint(ansiDim, strings.Repeat(" ", width)+" |"), p.paint(code+ansiBold, caretLine(text, from, to)))
	}
	return b.String()
}

// Bounds of what one diagnostic prints: a message built from input (a
// parser quoting what it met, a deeply nested value) could otherwise run
// to megabytes.
const (
	maxSummary     = 200
	maxDetail      = 2000
	maxSnippetLine = 160
)

// capText cuts s to at most n bytes (on a character boundary) and says
// how much was left out.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d more bytes not shown)", s[:cut], len(s)-cut)
}

// snippetWindow cuts a long source line to maxSnippetLine characters
// around columns [from, to), moving the columns with it.
func snippetWindow(text string, from, to int) (string, int, int) {
	if utf8.RuneCountInString(text) <= maxSnippetLine {
		return text, from, to
	}
	runes := []rune(text)
	start := from - 1 - maxSnippetLine/4
	if start < 0 {
		start = 0
	}
	end := start + maxSnippetLine
	if end > len(runes) {
		end = len(runes)
	}
	prefix, suffix := "", ""
	if start > 0 {
		prefix = "..."
	}
	if end < len(runes) {
		suffix = "..."
	}
	shift := start - len(prefix)
	from -= shift
	to -= shift
	if max := end - shift + 1; to > max {
		to = max
	}
	return prefix + string(runes[start:end]) + suffix, from, to
}

// caretLine puts carets under columns [from, to) of text (1-based, in
// characters), copying tabs so the carets line up.
func caretLine(text string, from, to int) string {
	var b strings.Builder
	col := 1
	for _, r := range text {
		if col >= from {
			break
		}
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteByte(' ')
		}
		col++
	}
	for ; col < from; col++ {
		b.WriteByte(' ')
	}
	n := to - from
	if n < 1 {
		n = 1
	}
	b.WriteString(strings.Repeat("^", n))
	return b.String()
}

// jsonDiagnostic is a diagnostic in -json output, shaped like Terraform's.
type jsonDiagnostic struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail,omitempty"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// jsonDiagnostics converts diags for -json output; never nil.
func jsonDiagnostics(diags hcl.Diagnostics) []jsonDiagnostic {
	out := make([]jsonDiagnostic, 0, len(diags))
	for _, d := range diags {
		jd := jsonDiagnostic{Severity: "error", Summary: capText(d.Summary, maxSummary), Detail: capText(d.Detail, maxDetail)}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if r := d.Subject; r != nil {
			jd.Range = &jsonRange{
				Filename: r.Filename,
				Start:    jsonPos{Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte},
				End:      jsonPos{Line: r.End.Line, Column: r.End.Column, Byte: r.End.Byte},
			}
		}
		out = append(out, jd)
	}
	return out
}

// countDiagnostics returns the number of errors and warnings.
func countDiagnostics(diags hcl.Diagnostics) (errs, warns int) {
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warns++
		} else {
			errs++
		}
	}
	return errs, warns
}

package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Bounds on input, checked before anything is parsed: the HCL parsers
// recurse once per level of nesting, so unbounded input could exhaust the
// stack (a fatal error no recover catches) or the memory.
const (
	// MaxFileSize bounds a configuration or -var-file file.
	MaxFileSize = 8 << 20
	// MaxValueSize bounds one -var or ENTRAFORM_VAR_<name> value.
	MaxValueSize = 1 << 20
	// MaxNesting bounds the nesting of brackets, templates and operators
	// of one expression. Real configurations stay under twenty.
	MaxNesting = 500
	// maxFileSize bounds what file() reads.
	maxFileSize = 4 << 20
)

// notRegularError is returned by readRegularFile for FIFOs, devices,
// sockets and directories.
type notRegularError struct{ kind string }

func (e *notRegularError) Error() string { return "not a regular file but " + e.kind }

// readRegularFile reads a regular file of at most limit bytes. It never
// blocks on a FIFO (it is opened without waiting for a writer and then
// refused) and never reads more than limit+1 bytes of anything.
func readRegularFile(path string, limit int64) ([]byte, error) {
	f, err := openNoBlock(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &notRegularError{kind: fileKind(st.Mode())}
	}
	if st.Size() > limit {
		return nil, &tooLargeError{size: st.Size(), limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &tooLargeError{size: int64(len(data)), limit: limit}
	}
	return data, nil
}

type tooLargeError struct{ size, limit int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("larger than the limit of %s", byteCount(e.limit))
}

func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeCharDevice != 0:
		return "a character device"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkText reports, as one diagnostic, why data cannot be configuration
// text: a NUL byte (binary data) or bytes that are not UTF-8. Parsing
// such input gives one error per bad byte, thousands for a binary file,
// none of them saying what is wrong.
func checkText(name string, data []byte, start hcl.Pos) *hcl.Diagnostic {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Binary data instead of text",
			Detail: fmt.Sprintf("%s holds a NUL byte, so it is binary data, not configuration text; was a binary file given or saved under this name?",
				describeSource(name)),
			Subject: pointAt(name, data, i, start).Ptr(),
		}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid character encoding",
			Detail: fmt.Sprintf("%s is not UTF-8 text: byte 0x%02x at this place is not part of a UTF-8 character. Give it as UTF-8 (a file: save it as UTF-8).",
				describeSource(name), data[i]),
			Subject: pointAt(name, data, i, start).Ptr(),
		}
	}
	return nil
}

func describeSource(name string) string {
	if len(name) > 2 && name[0] == '<' {
		return "The " + name[1:len(name)-1]
	}
	return name
}

// pointAt is the one-character range at byte offset i of data.
func pointAt(name string, data []byte, i int, start hcl.Pos) hcl.Range {
	pos := start
	for _, c := range data[:i] {
		if c == '\n' {
			pos.Line++
			pos.Column = 1
		} else if c < 0x80 || c >= 0xc0 {
			pos.Column++
		}
	}
	pos.Byte = start.Byte + i
	end := pos
	end.Column++
	end.Byte++
	return hcl.Range{Filename: name, Start: pos, End: end}
}

// tooLarge is the diagnostic of input past a size bound.
func tooLarge(name string, size, limit int64, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Input too large",
		Detail: fmt.Sprintf("%s is %s, more than the limit of %s for %s; nothing was parsed.",
			describeSource(name), byteCount(size), byteCount(limit), what),
		Subject: &hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos},
	}
}

// nestingTooDeep is the diagnostic of an expression nested past
// MaxNesting, at the token that passed it.
func nestingTooDeep(rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Expression nested too deeply",
		Detail: fmt.Sprintf("Here the nesting of brackets, templates and operators passes %d levels, the limit; nothing was parsed. Split the expression, for example with locals.",
			MaxNesting),
		Subject: rng.Ptr(),
	}
}

// level is one open bracket (or the top of a file or expression) while
// measuring nesting: ops counts the operators since the last separator,
// each of which nests the expression tree one level deeper.
type level struct {
	ops int
	// lines is true where a newline ends an expression (the top of a
	// file, a block body); inside (), [] and templates it does not.
	lines bool
}

// measureNesting returns the range of the first token at which the
// nesting passes limit, or nil. base is the nesting around the tokens.
func measureNesting(toks hclsyntax.Tokens, base, limit int, lines bool) *hcl.Range {
	stack := []level{{lines: lines}}
	depth := base
	for i := range toks {
		t := &toks[i]
		top := &stack[len(stack)-1]
		switch t.Type {
		case hclsyntax.TokenOBrace:
			stack = append(stack, level{lines: true})
			depth++
		case hclsyntax.TokenOParen, hclsyntax.TokenOBrack, hclsyntax.TokenTemplateInterp,
			hclsyntax.TokenTemplateControl, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
			stack = append(stack, level{})
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCParen, hclsyntax.TokenCBrack,
			hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			if len(stack) > 1 {
				depth -= 1 + top.ops
				stack = stack[:len(stack)-1]
			}
		case hclsyntax.TokenComma, hclsyntax.TokenEqual:
			depth -= top.ops
			top.ops = 0
		case hclsyntax.TokenNewline:
			if top.lines {
				depth -= top.ops
				top.ops = 0
			}
		case hclsyntax.TokenQuestion, hclsyntax.TokenBang, hclsyntax.TokenMinus, hclsyntax.TokenPlus,
			hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPercent, hclsyntax.TokenAnd,
			hclsyntax.TokenOr, hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan,
			hclsyntax.TokenLessThanEq, hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq:
			top.ops++
			depth++
		}
		if depth > limit {
			return &t.Range
		}
	}
	return nil
}

// jsonNesting measures JSON input: the nesting of arrays and objects,
// plus that of the templates in its strings.
func jsonNesting(name string, data []byte, limit int) *hcl.Range {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '[', '{':
			depth++
			if depth > limit {
				r := pointAt(name, data, i, hcl.InitialPos)
				return &r
			}
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '"':
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			if j > len(data) {
				j = len(data)
			}
			s := data[i+1 : j]
			if bytes.Contains(s, []byte("${")) || bytes.Contains(s, []byte("%{")) {
				start := pointAt(name, data, i+1, hcl.InitialPos).Start
				toks, _ := hclsyntax.LexTemplate(s, name, start)
				if r := measureNesting(toks, depth, limit, false); r != nil {
					return r
				}
			}
			i = j
		}
	}
	return nil
}

// checkSource runs the checks that come before parsing a file: size,
// text, nesting.
func checkSource(src source, json bool) *hcl.Diagnostic {
	if len(src.data) > MaxFileSize {
		return tooLarge(src.name, int64(len(src.data)), MaxFileSize, "a configuration file")
	}
	if d := checkText(src.name, src.data, hcl.InitialPos); d != nil {
		return d
	}
	if json {
		if r := jsonNesting(src.name, src.data, MaxNesting); r != nil {
			return nestingTooDeep(*r)
		}
		return nil
	}
	toks, _ := hclsyntax.LexConfig(src.data, src.name, hcl.InitialPos)
	if r := measureNesting(toks, 0, MaxNesting, true); r != nil {
		return nestingTooDeep(*r)
	}
	return nil
}

// checkValue runs the same checks on a -var or environment value that is
// parsed as an HCL expression (named like "<value for var.x>").
func checkValue(name, raw string) *hcl.Diagnostic {
	data := []byte(raw)
	if len(data) > MaxValueSize {
		return tooLarge(name, int64(len(data)), MaxValueSize, "a variable value")
	}
	if d := checkText(name, data, hcl.InitialPos); d != nil {
		return d
	}
	toks, _ := hclsyntax.LexExpression(data, name, hcl.InitialPos)
	if r := measureNesting(toks, 0, MaxNesting, false); r != nil {
		return nestingTooDeep(*r)
	}
	return nil
}

// MaxDiagnosticsPerFile bounds the parse errors reported for one file;
// the rest are counted in one last diagnostic.
const MaxDiagnosticsPerFile = 20

// capPerFile keeps the first MaxDiagnosticsPerFile errors of a file's
// parse and says how many more there were.
func capPerFile(name string, diags hcl.Diagnostics) hcl.Diagnostics {
	errs := 0
	var out hcl.Diagnostics
	var firstCut *hcl.Range
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs++
			if errs > MaxDiagnosticsPerFile {
				if firstCut == nil {
					firstCut = d.Subject
				}
				continue
			}
		}
		out = append(out, d)
	}
	if errs <= MaxDiagnosticsPerFile {
		return diags
	}
	at := &hcl.Range{Filename: name, Start: hcl.InitialPos, End: hcl.InitialPos}
	if firstCut != nil {
		at = firstCut
	}
	return append(out, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Too many errors",
		Detail: fmt.Sprintf("%s has %d more errors after the %d shown, from here on; fix these first (is it a configuration file at all?).",
			name, errs-MaxDiagnosticsPerFile, MaxDiagnosticsPerFile),
		Subject: at,
	})
}

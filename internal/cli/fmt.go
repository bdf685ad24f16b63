package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/entraform/entraform/config"
)

func runFmt(ctx context.Context, m *Meta, args []string) int {
	fls := newFlags(m, "fmt", "fmt [-check] [-diff] [-recursive] [-list=false] [-write=false] [FILE|DIR|- ...]")
	check := fls.Bool("check", false, "do not write; exit 3 when any file is not formatted")
	diff := fls.Bool("diff", false, "print a unified diff of the changes")
	recursive := fls.Bool("recursive", false, "also format files in subdirectories")
	list := fls.Bool("list", true, "print the names of files whose formatting differs")
	write := fls.Bool("write", true, "rewrite files in place (off with -check)")
	if ok, code := parseFlags(m, fls, args); !ok {
		return code
	}
	f := &formatter{m: m, list: *list, write: *write && !*check, diff: *diff, files: map[string]*hcl.File{}}

	targets := fls.Args()
	if len(targets) == 0 {
		targets = []string{"."}
	}
	for _, t := range targets {
		if t == "-" {
			f.stdin()
			continue
		}
		full := m.Path(t)
		st, err := os.Stat(full)
		switch {
		case err != nil:
			m.Errorf("fmt: %s: no such file or directory", t)
			f.failed = true
		case st.IsDir():
			for _, name := range findConfigFiles(full, *recursive) {
				rel, _ := filepath.Rel(full, name)
				f.file(filepath.Join(t, rel), name)
			}
		default:
			f.file(t, full)
		}
	}
	m.showDiagnostics(f.files, f.diags)
	switch {
	case f.failed || f.diags.HasErrors():
		return ExitError
	case *check && f.changed > 0:
		return ExitFormat
	}
	return ExitOK
}

// formatter formats files one by one and remembers what happened.
type formatter struct {
	m                 *Meta
	list, write, diff bool
	changed           int
	failed            bool
	diags             hcl.Diagnostics
	files             map[string]*hcl.File
}

// file formats one file; name is how it is shown, path where it is.
func (f *formatter) file(name, path string) {
	if strings.HasSuffix(name, ".json") {
		f.m.Errorf("fmt: %s: only native syntax is formatted, not JSON", name)
		f.failed = true
		return
	}
	src, err := os.ReadFile(path)
	if err != nil {
		f.m.Errorf("fmt: reading %s: %v", name, err)
		f.failed = true
		return
	}
	out, ok := f.format(name, src)
	if !ok || string(out) == string(src) {
		return
	}
	f.changed++
	if f.list {
		fmt.Fprintln(f.m.Stdout, filepath.Clean(name))
	}
	if f.diff {
		writeUnifiedDiff(f.m.Stdout, "old/"+filepath.ToSlash(filepath.Clean(name)), "new/"+filepath.ToSlash(filepath.Clean(name)), string(src), string(out))
	}
	if f.write {
		mode := fs.FileMode(0o644)
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
		if err := os.WriteFile(path, out, mode); err != nil {
			f.m.Errorf("fmt: writing %s: %v", name, err)
			f.failed = true
		}
	}
}

// stdin formats standard input to standard output.
func (f *formatter) stdin() {
	src, err := io.ReadAll(f.m.Stdin)
	if err != nil {
		f.m.Errorf("fmt: reading standard input: %v", err)
		f.failed = true
		return
	}
	out, ok := f.format("<stdin>", src)
	if !ok {
		return
	}
	if string(out) != string(src) {
		f.changed++
	}
	switch {
	case f.diff:
		writeUnifiedDiff(f.m.Stdout, "old/<stdin>", "new/<stdin>", string(src), string(out))
	case f.write:
		f.m.Stdout.Write(out)
	}
}

// format checks that src parses, then lays it out with hclwrite.
func (f *formatter) format(name string, src []byte) ([]byte, bool) {
	file, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	f.files[name] = file
	f.diags = append(f.diags, diags...)
	if diags.HasErrors() {
		return nil, false
	}
	return hclwrite.Format(src), true
}

// findConfigFiles lists the *.entra.hcl files in dir (and below it when
// recursive, skipping hidden directories), sorted.
func findConfigFiles(dir string, recursive bool) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			if p != dir && (!recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(d.Name(), config.SuffixHCL) {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// The unified diff below is written here rather than taken from a library:
// it is a plain Myers diff over lines, small enough to own.

type diffOp struct {
	kind byte // ' ', '-', '+'
	line string
}

// diffLines returns the shortest edit script turning a into b.
func diffLines(a, b []string) []diffOp {
	n, m := len(a), len(b)
	maxD := n + m
	off := maxD + 1
	v := make([]int, 2*maxD+3)
	var trace [][]int
	found := false
	for d := 0; d <= maxD && !found; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	var ops []diffOp
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		snap := trace[d] // v before step d, indices -d-1..d+1
		at := func(k int) int { return snap[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY && x > 0 && y > 0 {
			ops = append(ops, diffOp{' ', a[x-1]})
			x--
			y--
		}
		if d == 0 {
			break
		}
		if x == prevX {
			ops = append(ops, diffOp{'+', b[y-1]})
			y--
		} else {
			ops = append(ops, diffOp{'-', a[x-1]})
			x--
		}
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}

// writeUnifiedDiff prints the difference between two texts with three
// lines of context.
func writeUnifiedDiff(w io.Writer, oldName, newName, a, b string) {
	ops := diffLines(strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n"))
	// Drop the empty last element SplitAfter leaves after a final newline.
	for len(ops) > 0 && ops[len(ops)-1].line == "" {
		ops = ops[:len(ops)-1]
	}
	const context = 3
	var changes []int
	for i, op := range ops {
		if op.kind != ' ' {
			changes = append(changes, i)
		}
	}
	if len(changes) == 0 {
		return
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", oldName, newName)
	// Line numbers before each op.
	aLine := make([]int, len(ops)+1)
	bLine := make([]int, len(ops)+1)
	for i, op := range ops {
		aLine[i+1], bLine[i+1] = aLine[i], bLine[i]
		if op.kind != '+' {
			aLine[i+1]++
		}
		if op.kind != '-' {
			bLine[i+1]++
		}
	}
	for i := 0; i < len(changes); {
		start := max(changes[i]-context, 0)
		j := i
		for j+1 < len(changes) && changes[j+1]-changes[j] <= 2*context {
			j++
		}
		end := min(changes[j]+context+1, len(ops))
		aCount, bCount := aLine[end]-aLine[start], bLine[end]-bLine[start]
		aStart, bStart := aLine[start]+1, bLine[start]+1
		if aCount == 0 {
			aStart--
		}
		if bCount == 0 {
			bStart--
		}
		fmt.Fprintf(w, "@@ -%d,%d +%d,%d @@\n", aStart, aCount, bStart, bCount)
		for _, op := range ops[start:end] {
			line := op.line
			if !strings.HasSuffix(line, "\n") {
				line += "\n\\ No newline at end of file\n"
			}
			fmt.Fprintf(w, "%c%s", op.kind, line)
		}
		i = j + 1
	}
}

package cli

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

func TestDiagPrinter(t *testing.T) {
	src := "application \"a\" {\n  display_name = \"x\"\n\tnotes = \"tab\"\n}\n"
	files := map[string]*hcl.File{"main.entra.hcl": {Bytes: []byte(src)}}
	rng := func(l1, c1, l2, c2 int) *hcl.Range {
		return &hcl.Range{Filename: "main.entra.hcl", Start: hcl.Pos{Line: l1, Column: c1}, End: hcl.Pos{Line: l2, Column: c2}}
	}
	tests := []struct {
		name   string
		diag   *hcl.Diagnostic
		source bool
		color  bool
		want   string
	}{
		{
			name: "error with range",
			diag: &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Detail: "It is bad.", Subject: rng(2, 18, 2, 21)},
			want: "main.entra.hcl:2,18-21: Bad; It is bad.\n",
		},
		{
			name: "multi-line range",
			diag: &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Subject: rng(1, 17, 4, 2)},
			want: "main.entra.hcl:1,17-4,2: Bad\n",
		},
		{
			name: "warning",
			diag: &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Odd", Detail: "Hm.", Subject: rng(2, 3, 2, 15)},
			want: "main.entra.hcl:2,3-15: Warning: Odd; Hm.\n",
		},
		{
			name: "no range",
			diag: &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No files", Detail: "None."},
			want: "Error: No files; None.\n",
		},
		{
			name:   "source and caret",
			diag:   &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Subject: rng(2, 18, 2, 21)},
			source: true,
			want:   "main.entra.hcl:2,18-21: Bad\n2 |   display_name = \"x\"\n  |                  ^^^\n",
		},
		{
			name:   "caret under a tab-indented line",
			diag:   &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Subject: rng(3, 10, 3, 15)},
			source: true,
			want:   "main.entra.hcl:3,10-15: Bad\n3 | \tnotes = \"tab\"\n  | \t        ^^^^^\n",
		},
		{
			name:   "multi-line source",
			diag:   &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Subject: rng(3, 2, 4, 2)},
			source: true,
			want:   "main.entra.hcl:3,2-4,2: Bad\n3 | \tnotes = \"tab\"\n  | \t^^^^^^^^^^^^^\n4 | }\n  | ^\n",
		},
		{
			name:   "colour",
			diag:   &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Subject: rng(2, 18, 2, 21)},
			source: true, color: true,
			want: "\x1b[1mmain.entra.hcl:2,18-21:\x1b[0m \x1b[1mBad\x1b[0m\n" +
				"\x1b[2m2 |\x1b[0m   display_name = \"x\"\n" +
				"\x1b[2m  |\x1b[0m \x1b[31m\x1b[1m                 ^^^\x1b[0m\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			diagPrinter{files: files, source: tt.source, color: tt.color}.write(&b, hcl.Diagnostics{tt.diag})
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnifiedDiff(t *testing.T) {
	var b strings.Builder
	old := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
	new := "a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\n"
	writeUnifiedDiff(&b, "old/x", "new/x", old, new)
	want := "--- old/x\n+++ new/x\n" +
		"@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n" +
		"@@ -8,3 +8,4 @@\n h\n i\n j\n+k\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("diff (-want +got):\n%s", diff)
	}
	b.Reset()
	writeUnifiedDiff(&b, "old/x", "new/x", old, old)
	if b.Len() != 0 {
		t.Errorf("equal texts gave a diff:\n%s", b.String())
	}
}

// TestDiffLinesRebuilds checks on many inputs that the edit script keeps
// and deletes exactly a's lines and keeps and inserts exactly b's.
func TestDiffLinesRebuilds(t *testing.T) {
	inputs := []string{"", "a", "a\nb", "b\na", "a\na\na", "x\ny\nz\nx\ny", "1\n2\n3\n4\n5\n6", "6\n5\n4\n3\n2\n1", "a\nb\nc\na\nb\nb\na"}
	for _, x := range inputs {
		for _, y := range inputs {
			a, b := strings.Split(x, "\n"), strings.Split(y, "\n")
			var gotA, gotB []string
			for _, op := range diffLines(a, b) {
				if op.kind != '+' {
					gotA = append(gotA, op.line)
				}
				if op.kind != '-' {
					gotB = append(gotB, op.line)
				}
			}
			if diff := cmp.Diff(a, gotA); diff != "" {
				t.Errorf("diff(%q, %q) old side (-want +got):\n%s", x, y, diff)
			}
			if diff := cmp.Diff(b, gotB); diff != "" {
				t.Errorf("diff(%q, %q) new side (-want +got):\n%s", x, y, diff)
			}
		}
	}
}

// A diagnostic prints in bounded space whatever its input: a long message
// is cut with a count of what was left out, and a snippet of a very long
// line shows a window around the range with the caret still under it.
func TestDiagPrinterBounds(t *testing.T) {
	line := "x = " + strings.Repeat("(", 5000) + "1"
	files := map[string]*hcl.File{"main.entra.hcl": {Bytes: []byte(line + "\n")}}
	d := &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: strings.Repeat("S", 300), Detail: strings.Repeat("d", 900_000),
		Subject: &hcl.Range{Filename: "main.entra.hcl", Start: hcl.Pos{Line: 1, Column: 1005}, End: hcl.Pos{Line: 1, Column: 1006}},
	}
	var b strings.Builder
	diagPrinter{files: files, source: true}.write(&b, hcl.Diagnostics{d})
	want := "main.entra.hcl:1,1005-1006: " + strings.Repeat("S", 200) + "... (100 more bytes not shown); " +
		strings.Repeat("d", 2000) + "... (898000 more bytes not shown)\n" +
		"1 | ..." + strings.Repeat("(", 160) + "...\n" +
		"  |    " + strings.Repeat(" ", 40) + "^\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	j := jsonDiagnostics(hcl.Diagnostics{d})
	if len(j[0].Detail) > 2100 || len(j[0].Summary) > 300 {
		t.Errorf("JSON diagnostic of %d+%d bytes", len(j[0].Summary), len(j[0].Detail))
	}
}

// An error line quoting a huge text (a service's answer, a file) is cut.
func TestErrorfBounded(t *testing.T) {
	var b strings.Builder
	m := &Meta{Env: &Env{Stderr: &b}}
	m.Errorf("the service said: %s", strings.Repeat("x", 900_000))
	want := "Error: the service said: " + strings.Repeat("x", maxErrorLine-len("the service said: ")) + "... (896018 more bytes not shown)\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

package reliability

import (
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/entraform/entraform/config"
)

// malformedWant is the diagnostic summary (a part of it) each file of
// testdata/malformed must produce.
var malformedWant = map[string]string{
	"application_is_array.entra.json":     "Missing block label",
	"bad_adopt_id.entra.hcl":              "Invalid adopt",
	"bad_duration.entra.hcl":              "Invalid duration",
	"bad_site_url.entra.hcl":              "Invalid site URL",
	"bad_utf8.entra.hcl":                  "Invalid character encoding",
	"bad_workspace.entra.hcl":             "Invalid workspace",
	"binary_garbage.entra.hcl":            "Binary data instead of text",
	"check_unknown_flow.entra.hcl":        "Invalid check flow",
	"count_negative.entra.hcl":            "Invalid count argument",
	"count_too_large.entra.hcl":           "Invalid count argument",
	"deep_nesting.entra.hcl":              "Expression nested too deeply",
	"duplicate_application.entra.hcl":     "Duplicate application",
	"duplicate_attribute.entra.hcl":       "Attribute redefined",
	"duplicate_unique_name.entra.hcl":     "Duplicate unique_name",
	"failed_validation.entra.hcl":         "Invalid value for variable",
	"federated_bad_issuer.entra.hcl":      "Invalid issuer",
	"for_each_and_count.entra.hcl":        "Invalid combination of count and for_each",
	"for_each_not_a_collection.entra.hcl": "Invalid for_each argument",
	"huge_identifier.entra.hcl":           "Unsupported argument",
	"json_bad_template.entra.json":        "Call to unknown function",
	"label_missing.entra.hcl":             "Missing name for application",
	"local_cycle.entra.hcl":               "Cycle: local.a -> local.b -> local.a",
	"missing_equals.entra.hcl":            "Invalid block definition",
	"nul_bytes.entra.hcl":                 "Binary data instead of text",
	"null_required.entra.hcl":             "Empty display_name",
	"range_too_large.entra.hcl":           "Error in function call",
	"reference_to_missing_app.entra.hcl":  "Reference to undeclared application",
	"same_write_to.entra.hcl":             "Shared write_to file",
	"self_reference.entra.hcl":            "Computed attribute outside an output",
	"stray_brace.entra.hcl":               "Argument or block definition required",
	"template_unclosed.entra.hcl":         "Unclosed template interpolation sequence",
	"too_many_labels.entra.hcl":           "Extraneous label for application",
	"top_level_array.entra.json":          "Missing block label",
	"truncated.entra.json":                "Unclosed object",
	"two_tenant_blocks.entra.hcl":         "Duplicate tenant block",
	"unbalanced_parens.entra.hcl":         "Unbalanced parentheses",
	"unclosed_block.entra.hcl":            "Unclosed configuration block",
	"undeclared_variable.entra.hcl":       "Reference to undeclared input variable",
	"unknown_attribute.entra.hcl":         "Unsupported argument",
	"unknown_block.entra.hcl":             "Unsupported block type",
	"unknown_function.entra.hcl":          "Call to unknown function",
	"unknown_permission.entra.hcl":        "Unknown permission",
	"unknown_resource.entra.hcl":          "Unknown permission resource",
	"unterminated_heredoc.entra.hcl":      "Unterminated template string",
	"unterminated_string.entra.hcl":       "Invalid multi-line string",
	"variable_without_value.entra.hcl":    "No value for required variable",
	"write_to_absolute.entra.hcl":         "Invalid path",
	"wrong_attribute_type.entra.json":     "Incorrect attribute value type",
	"wrong_type.entra.hcl":                "Incorrect attribute value type",
}

// TestMalformedConfigurations loads each file of testdata/malformed (as
// the only file of a configuration directory) and runs `entraform
// validate` on it: every one must end in errors, each with a summary and
// a location in the file, the expected one among them, and exit 1 without
// a panic.
func TestMalformedConfigurations(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "malformed", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	sort.Strings(names)
	var declared []string
	for n := range malformedWant {
		declared = append(declared, n)
	}
	sort.Strings(declared)
	if strings.Join(names, ",") != strings.Join(declared, ",") {
		t.Fatalf("testdata/malformed and malformedWant disagree:\nfiles: %v\ntable: %v", names, declared)
	}
	inputs := map[string]malformedInput{}
	bytes := 0
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "malformed", name))
		if err != nil {
			t.Fatal(err)
		}
		bytes += len(data)
		inputs[name] = malformedInput{data: data, want: malformedWant[name]}
	}
	// Inputs too big to commit, or that git cannot hold, made here.
	for name, in := range generatedMalformed() {
		inputs[name] = in
		names = append(names, name)
	}
	sort.Strings(names)
	// make writes one input as the only file of a configuration directory.
	make := func(t *testing.T, name string) string {
		in := inputs[name]
		main := "main.entra.hcl"
		if strings.HasSuffix(name, ".json") {
			main = "main.entra.json"
		}
		dir := filepath.Join(t.TempDir(), "malformed")
		if in.fifo {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := syscall.Mkfifo(filepath.Join(dir, main), 0o600); err != nil {
				t.Fatal(err)
			}
			return dir
		}
		writeFiles(t, dir, map[string]string{main: string(in.data)})
		return dir
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := make(t, name)
			want := inputs[name].want
			_, diags := config.Load(config.LoadOptions{Dir: dir, Getenv: func(string) string { return "" }})
			if !diags.HasErrors() {
				t.Fatalf("loaded without errors")
			}
			found := false
			for _, d := range diags {
				if d.Summary == "" {
					t.Errorf("a diagnostic without a summary: %+v", d)
				}
				if d.Subject == nil || d.Subject.Filename == "" || d.Subject.Start.Line < 1 {
					t.Errorf("%q has no location in the file", d.Summary)
				}
				if strings.Contains(d.Summary, want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no %q among the diagnostics: %s", want, tail(diags.Error(), 5))
			}
			if len(diags) > config.MaxDiagnosticsPerFile+1 {
				t.Errorf("%d diagnostics for one file, want at most %d", len(diags), config.MaxDiagnosticsPerFile+1)
			}
		})
	}
	// The same through the binary: exit 1, errors on stderr, no panic,
	// a bounded report.
	h := &harness{t: t, outputs: map[string]string{}, env: []string{"HOME=" + t.TempDir(), "NO_COLOR=1"}}
	for _, name := range names {
		dir := make(t, name)
		want := inputs[name].want
		r := h.run(dir, nil, "validate")
		if r.Code != 1 || !strings.Contains(r.Stderr, want) || strings.Contains(r.Stderr, "goroutine ") {
			t.Errorf("entraform validate on %s: exit %d; want 1 and %q:\n%s", name, r.Code, want, tail(r.Stderr, 10))
		}
		if len(r.Stderr) > 64<<10 {
			t.Errorf("entraform validate on %s: %d bytes on stderr", name, len(r.Stderr))
		}
	}
	t.Logf("FIGURE malformed files=%d bytes=%d generated=%d", len(names)-len(generatedMalformed()), bytes, len(generatedMalformed()))
}

// malformedInput is one bad configuration file: its bytes (or a named
// pipe in its place) and the diagnostic summary it must produce.
type malformedInput struct {
	data []byte
	fifo bool
	want string
}

// generatedMalformed are the inputs of the corpus made in the test: too
// large to commit (deep nesting that used to overflow the stack, random
// bytes, a file past the size bound) or not a file git can hold (a named
// pipe, which used to hang the loader).
func generatedMalformed() map[string]malformedInput {
	rng := rand.New(rand.NewSource(13))
	random := make([]byte, 5<<20)
	rng.Read(random)
	noNUL := make([]byte, 1<<20)
	for i := range noNUL {
		noNUL[i] = byte(1 + rng.Intn(255))
	}
	return map[string]malformedInput{
		"gen_deep_parens.entra.hcl": {
			data: []byte("application \"a\" {\n  display_name = " + strings.Repeat("(", 100_000) + `"x"` + strings.Repeat(")", 100_000) + "\n}\n"),
			want: "Expression nested too deeply",
		},
		"gen_deep_operators.entra.hcl": {
			data: []byte("locals {\n  x = " + strings.Repeat("true ? ", 50_000) + "1" + strings.Repeat(" : 0", 50_000) + "\n}\n"),
			want: "Expression nested too deeply",
		},
		"gen_deep_template.entra.hcl": {
			data: []byte("locals {\n  x = " + strings.Repeat(`"${`, 50_000) + "1" + strings.Repeat(`}"`, 50_000) + "\n}\n"),
			want: "Expression nested too deeply",
		},
		"gen_deep_arrays.entra.json": {
			data: []byte(`{"locals": {"x": ` + strings.Repeat("[", 1_000_000) + strings.Repeat("]", 1_000_000) + "}}"),
			want: "Expression nested too deeply",
		},
		"gen_deep_json_template.entra.json": {
			data: []byte(`{"locals": {"x": "${` + strings.Repeat("(", 100_000) + "1" + strings.Repeat(")", 100_000) + `}"}}`),
			want: "Expression nested too deeply",
		},
		"gen_random_5mb.entra.hcl":    {data: random, want: "Binary data instead of text"},
		"gen_random_no_nul.entra.hcl": {data: noNUL, want: "Invalid character encoding"},
		"gen_many_errors.entra.hcl":   {data: []byte(strings.Repeat("@@@ ### !!!\n", 50_000)), want: "Too many errors"},
		"gen_too_large.entra.hcl":     {data: []byte("# " + strings.Repeat("x", config.MaxFileSize) + "\n"), want: "Input too large"},
		"gen_named_pipe.entra.hcl":    {fifo: true, want: "Cannot read configuration file"},
	}
}

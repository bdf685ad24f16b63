package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Variable values from every source are checked before they are parsed:
// nesting that used to overflow the stack, values past the size bound and
// bytes that are not UTF-8 (which used to be applied and then never
// settle) are refused with a diagnostic naming the value, and the report
// stays short.
func TestValidateRefusesBadValues(t *testing.T) {
	const cfg = `
variable "list" {
  type    = list(string)
  default = []
}
variable "name" {
  type    = string
  default = "x"
}
application "a" { display_name = "A ${var.name}" }
`
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		files map[string]string
		want  string
	}{
		{"deep -var", []string{"-var", "list=" + deep}, nil, nil,
			"<value for var.list>:1,501-502: Expression nested too deeply"},
		{"deep environment value", nil, map[string]string{"ENTRAFORM_VAR_list": deep}, nil,
			"<value for ENTRAFORM_VAR_list>:1,501-502: Expression nested too deeply"},
		{"deep -var-file", []string{"-var-file", "deep.hcl"}, nil, map[string]string{"deep.hcl": "list = " + deep + "\n"},
			"deep.hcl:1,508-509: Expression nested too deeply"},
		{"deep -var-file JSON", []string{"-var-file", "deep.json"}, nil, map[string]string{"deep.json": `{"list": ` + deep + "}"},
			"deep.json:1,509-510: Expression nested too deeply"},
		{"deep operators -var", []string{"-var", "list=[" + strings.Repeat("!", 100_000) + "true]"}, nil, nil,
			"Expression nested too deeply"},
		{"huge -var", []string{"-var", "name=" + strings.Repeat("x", 2<<20)}, nil, nil,
			"Input too large; The value for var.name is 2 MiB, more than the limit of 1 MiB for a variable value"},
		{"invalid UTF-8 -var", []string{"-var", "name=caf\xe9"}, nil, nil,
			"<value for var.name>:1,4-5: Invalid character encoding; The value for var.name is not UTF-8 text: byte 0xe9"},
		{"invalid UTF-8 environment value", nil, map[string]string{"ENTRAFORM_VAR_name": "\xff"}, nil,
			"<value for ENTRAFORM_VAR_name>:1,1-2: Invalid character encoding"},
		{"invalid UTF-8 in a list -var", []string{"-var", "list=[\"\xc3\"]"}, nil, nil,
			"<value for var.list>:1,3-4: Invalid character encoding"},
		{"-var-file that is a directory", []string{"-var-file", "sub"}, nil, map[string]string{"sub/x": ""},
			"Cannot read variables file; Reading sub: not a regular file but a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"main.entra.hcl": cfg}
			for k, v := range tt.files {
				files[k] = v
			}
			for name, content := range files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out, errs bytes.Buffer
			env := &Env{
				Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errs,
				Getenv: func(k string) string { return tt.env[k] }, Dir: dir,
			}
			code := Run(context.Background(), append([]string{"validate"}, tt.args...), env)
			if code != ExitError || !strings.Contains(errs.String(), tt.want) {
				t.Errorf("exit %d, want 1 and %q in stderr:\n%s", code, tt.want, capText(errs.String(), 2000))
			}
			if errs.Len() > 4<<10 {
				t.Errorf("%d bytes on stderr", errs.Len())
			}
		})
	}
}

package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const schemaFile = "../docs/entra.schema.json"

// TestJSONSchemaIsCurrent: docs/entra.schema.json is what JSONSchema
// generates from the language now (-update rewrites it).
func TestJSONSchemaIsCurrent(t *testing.T) {
	got, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(schemaFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatalf("%v (go test ./config -run TestJSONSchema -update writes it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s is out of date with the language: run go test ./config -run TestJSONSchema -update", schemaFile)
	}
}

// TestJSONSchemaCoversTheExamples: every block and attribute of the
// examples has a place in the schema, and the schema refuses names the
// language does not have.
func TestJSONSchemaCoversTheExamples(t *testing.T) {
	raw, err := JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../examples/*/*.entra.hcl")
	if len(files) == 0 {
		t.Fatal("no examples found")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", f, diags)
		}
		for _, missing := range uncovered(schema, schema, file.Body.(*hclsyntax.Body), "") {
			t.Errorf("%s: %s has no place in the JSON Schema", f, missing)
		}
	}

	bad, _ := hclsyntax.ParseConfig([]byte(`
application "a" {
  display_name = "x"
  nope         = 1
  secret "s" { write_too = "x" }
  gizmo {}
}
widget "w" {}
data "user" "u" { user_principal_name = "x" }
data "nope" "n" {}
`), "bad.entra.hcl", hcl.InitialPos)
	got := uncovered(schema, schema, bad.Body.(*hclsyntax.Body), "")
	want := []string{"application.nope", "application.secret.write_too", "application.gizmo", "widget", "data.nope"}
	if len(got) != len(want) {
		t.Fatalf("the schema accepts or refuses the wrong names: got %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("refused %q, want %q", got[i], want[i])
		}
	}
}

// uncovered walks an HCL body along the schema object s and returns the
// attributes and blocks that the schema has no property for.
func uncovered(root, s map[string]any, body *hclsyntax.Body, path string) []string {
	s = deref(root, s)
	props, _ := s["properties"].(map[string]any)
	var out []string
	for _, name := range sortedKeys(body.Attributes) {
		if _, ok := props[name]; !ok && s["additionalProperties"] == false {
			out = append(out, path+name)
		}
	}
	for _, b := range body.Blocks {
		v, ok := props[b.Type].(map[string]any)
		if !ok {
			out = append(out, path+b.Type)
			continue
		}
		labels := b.Labels
		if b.Type == "data" && path == "" {
			byType := deref(root, first(v))["properties"].(map[string]any)
			v, ok = byType[labels[0]].(map[string]any)
			if !ok {
				out = append(out, "data."+labels[0])
				continue
			}
			labels = labels[1:]
		}
		for range labels {
			v = first(v)["additionalProperties"].(map[string]any)
		}
		out = append(out, uncovered(root, first(v), b.Body, path+b.Type+".")...)
	}
	return out
}

// first is the non-array choice of an anyOf.
func first(v map[string]any) map[string]any {
	if alts, ok := v["anyOf"].([]any); ok {
		return alts[0].(map[string]any)
	}
	return v
}

func deref(root, s map[string]any) map[string]any {
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/$defs/")
		return root["$defs"].(map[string]any)[name].(map[string]any)
	}
	return s
}

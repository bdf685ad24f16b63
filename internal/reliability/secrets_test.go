package reliability

import (
	"encoding/pem"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/localtenant"
)

// jwtShape matches anything shaped like a signed JWT.
var jwtShape = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`)

// TestNoSecretLeaks runs the life of a workspace with ENTRAFORM_LOG=debug
// (plan -out, show, show -json, apply of the saved plan with its login
// checks, plan -json, verify, verify -json, a rotation of a lost secret,
// destroy) and scans every stdout and stderr, the plan file and every
// other file entraform left (outside the write_to and key files) for
// every secret that crossed the wire: the operator's client secret,
// client assertions, access tokens, the new secrets' values, the private
// keys of certificates; and for anything shaped like a JWT.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, localtenant.Faults{})
	w := workspace{Name: "hygiene", Apps: standardApps(3), Checks: true}
	dir := t.TempDir()
	writeFiles(t, dir, w.Files())
	debug := []string{"ENTRAFORM_LOG=debug"}
	runs := [][]string{
		{"plan", "-out=plan.json"},
		{"show", "plan.json"},
		{"show", "-json", "plan.json"},
		{"apply", "plan.json"},
		{"plan", "-json"},
		{"verify"},
		{"verify", "-json"},
	}
	for _, args := range runs {
		if r := h.run(dir, debug, args...); r.Code != 0 {
			t.Fatalf("entraform %s exited %d:\n%s", strings.Join(args, " "), r.Code, tail(r.Stderr, 30))
		}
	}
	// The secrets and keys as the files hold them, before they change.
	known := h.wire.Secrets()
	id, secret := h.tenant.Operator()
	known[secret] = "operator client secret (" + id + ")"
	private := map[string]bool{}
	for _, a := range w.Apps {
		if a.Secret {
			private[filepath.Join(dir, secretFile(a.Name))] = true
			f, err := apply.ReadSecretFile(filepath.Join(dir, secretFile(a.Name)))
			if err != nil {
				t.Fatal(err)
			}
			known[f.Secret] = "secret value of " + a.Name
		}
		if a.Certificate {
			path := filepath.Join(dir, keyFile(a.Name))
			private[path] = true
			for _, k := range privateKeyMaterial(t, path) {
				known[k] = "private key of " + a.Name
			}
		}
	}
	// A lost secret is rotated; then everything is destroyed.
	os.Remove(filepath.Join(dir, secretFile(w.Apps[0].Name)))
	for _, args := range [][]string{{"apply", "-auto-approve"}, {"destroy", "-auto-approve"}} {
		if r := h.run(dir, debug, args...); r.Code != 0 {
			t.Fatalf("entraform %s exited %d:\n%s", strings.Join(args, " "), r.Code, tail(r.Stderr, 30))
		}
	}
	if f, err := apply.ReadSecretFile(filepath.Join(dir, secretFile(w.Apps[0].Name))); err == nil {
		known[f.Secret] = "rotated secret value of " + w.Apps[0].Name
	}
	for v, k := range h.wire.Secrets() {
		if _, ok := known[v]; !ok {
			known[v] = k
		}
	}

	places := h.Outputs()
	debugLines := 0
	for name, text := range places {
		if strings.HasSuffix(name, "(stderr)") {
			debugLines += strings.Count(text, "graph: ")
		}
	}
	if debugLines == 0 {
		t.Fatal("no debug log lines in any stderr: ENTRAFORM_LOG=debug had no effect, the scan proves nothing")
	}
	for _, root := range []string{dir, h.home} {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || private[path] {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			places["file "+path] = string(data)
			return nil
		})
	}
	var files []string
	for name := range places {
		if strings.HasPrefix(name, "file ") {
			files = append(files, strings.NewReplacer(dir, "$WORK", h.home, "$HOME").Replace(strings.TrimPrefix(name, "file ")))
		}
	}
	sort.Strings(files)
	t.Logf("files scanned: %v", files)
	if _, ok := places["file "+filepath.Join(dir, "plan.json")]; !ok {
		t.Fatal("the plan file is missing from the scan")
	}
	kinds := map[string]int{}
	for _, k := range known {
		kinds[k]++
	}
	bytes := 0
	var leaks []string
	for name, text := range places {
		bytes += len(text)
		for value, kind := range known {
			for _, frag := range fragments(value) {
				if strings.Contains(text, frag) {
					leaks = append(leaks, name+": "+kind)
					break
				}
			}
		}
		if m := jwtShape.FindString(text); m != "" {
			leaks = append(leaks, name+": something shaped like a JWT: "+m[:20]+"...")
		}
	}
	sort.Strings(leaks)
	if len(leaks) > 0 {
		t.Errorf("secret material found:\n  %s", strings.Join(leaks, "\n  "))
	}
	for path := range private {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", path, st.Mode().Perm())
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "plan.json")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("plan file: %v, mode %v; want 0600", err, st.Mode().Perm())
	}
	t.Logf("FIGURE secrets runs=%d places=%d bytes_scanned=%d debug_lines=%d secrets_tracked=%d by_kind=%v leaks=%d",
		len(runs)+2, len(places), bytes, debugLines, len(known), kinds, len(leaks))
}

// fragments are the pieces of a secret the scan looks for: the whole
// value, and for long values their first and last 16 characters (a
// truncated leak is still a leak). A JWT is looked for by its signature,
// the part that differs between tokens.
func fragments(v string) []string {
	if parts := strings.Split(v, "."); len(parts) == 3 && strings.HasPrefix(v, "eyJ") {
		sig := parts[2]
		if len(sig) > 24 {
			return []string{sig[:24], sig[len(sig)-24:]}
		}
		return []string{v}
	}
	if len(v) >= 32 {
		return []string{v, v[:16], v[len(v)-16:]}
	}
	return []string{v}
}

// privateKeyMaterial returns the base64 lines of the private key blocks of
// a PEM file.
func privateKeyMaterial(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if !strings.HasSuffix(b.Type, "PRIVATE KEY") {
			continue
		}
		for _, line := range strings.Split(string(pem.EncodeToMemory(b)), "\n") {
			if len(line) >= 40 && !strings.HasPrefix(line, "-----") {
				out = append(out, line)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s: no private key", path)
	}
	return out
}

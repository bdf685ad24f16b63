package cli

import (
	"bytes"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entraform/entraform/apply"
)

// cmdNoSecretLeak implements "no-secret-leak ENVFILE [FILE...]": the
// secret value in ENVFILE (a write_to file) must not appear in the last
// command's stdout or stderr, nor in the other files named.
func cmdNoSecretLeak(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: no-secret-leak ENVFILE [FILE...]")
	}
	f, err := apply.ReadSecretFile(ts.MkAbs(args[0]))
	if err != nil {
		ts.Fatalf("no-secret-leak: %v", err)
	}
	if len(f.Secret) < 8 {
		ts.Fatalf("no-secret-leak: %s holds no secret value", args[0])
	}
	places := map[string]string{"stdout": ts.ReadFile("stdout"), "stderr": ts.ReadFile("stderr")}
	for _, name := range args[1:] {
		places[name] = ts.ReadFile(name)
	}
	for name, text := range places {
		if strings.Contains(text, f.Secret) || bytes.Contains([]byte(text), []byte(f.Secret[:len(f.Secret)-1])) {
			ts.Fatalf("the secret value of %s appears in %s", args[0], name)
		}
	}
}

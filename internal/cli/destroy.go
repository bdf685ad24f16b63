package cli

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
)

func runDestroy(ctx context.Context, m *Meta, args []string) int {
	var af applyFlags
	fs := af.register(m, "destroy", "destroy [-auto-approve] [-input=false] [-parallelism=10] [-var 'k=v'] [-var-file F]")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("destroy takes no arguments")
		return ExitError
	}
	cfg, ok := m.loadConfig(ctx, af.configFlags)
	if !ok {
		return ExitError
	}
	af.noChecks = true // nothing is left to sign in as
	return m.planAndApply(ctx, cfg, plan.Options{Destroy: true}, af)
}

// removeDeletedSecretFiles removes the write_to file of every secret the
// destroy deleted, when the file still holds that secret (its key id): its
// value signs in as nothing any more. A file that holds another secret is
// left alone, and a file that cannot be removed is named for the user to
// remove.
func (m *Meta) removeDeletedSecretFiles(cfg *config.Config, p *plan.Plan, r *apply.Result) {
	applied := map[string]bool{}
	for _, a := range r.Applied {
		applied[a] = true
	}
	for _, c := range p.Changes {
		if c.Type != plan.TypeSecret || c.Action != plan.Delete || !applied[c.Address] {
			continue
		}
		cred, ok := c.Current.(entra.PasswordCredential)
		if !ok {
			continue
		}
		app := cfg.Application(c.Parent)
		if app == nil {
			continue
		}
		for _, s := range app.Secrets {
			if s.Name != c.Name || s.WriteTo == "" {
				continue
			}
			path := cfg.Path(s.WriteTo)
			f, err := apply.ReadSecretFile(path)
			if err != nil || !strings.EqualFold(f.KeyID, cred.KeyID) {
				continue
			}
			if err := os.Remove(path); err != nil {
				fmt.Fprintf(m.Stderr, "Warning: %s holds the deleted secret %s and could not be removed (%v): remove it yourself.\n", s.WriteTo, c.Address, err)
				continue
			}
			fmt.Fprintf(m.Stdout, "Removed %s: it held %s, which is deleted.\n", s.WriteTo, c.Address)
		}
	}
}

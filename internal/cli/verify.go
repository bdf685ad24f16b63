package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/entraform/entraform/apply/checks"
	"github.com/entraform/entraform/config"
)

// runVerify runs the configuration's login checks against the tenant as
// it is: it signs the operator in only to look up the applications' client
// ids, then signs in as each application with its own credential.
func runVerify(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "verify", "verify [-check NAME]... [-json] [-retry DURATION] [-var 'k=v'] [-var-file F]")
	var cf configFlags
	cf.register(fs)
	var only stringList
	fs.Var(&only, "check", "run only this check: NAME, check.NAME or check.NAME[\"key\"] (repeatable)")
	jsonOut := fs.Bool("json", false, "print the results as JSON (format_version 1.0)")
	retry := fs.Duration("retry", 0, "retry outcomes that replication delay can cause (consent not yet in tokens, a new app or secret) for this long, e.g. 2m right after an apply")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("verify takes no arguments (got %q); name checks with -check NAME", fs.Arg(0))
		return ExitError
	}
	cfg, ok := m.loadConfig(ctx, cf)
	if !ok {
		return ExitError
	}
	selected, unknown := checks.Select(cfg, only)
	if len(unknown) > 0 {
		var names []string
		for _, c := range cfg.Checks {
			names = append(names, c.Addr)
		}
		have := "the configuration has no checks"
		if len(names) > 0 {
			have = "the configuration has " + strings.Join(names, ", ")
		}
		m.Errorf("no check named %s: %s", quoteNames(unknown), have)
		return ExitError
	}
	if len(selected) == 0 {
		if *jsonOut {
			if err := checks.WriteJSON(m.Stdout, nil); err != nil {
				m.Errorf("writing JSON: %v", err)
				return ExitError
			}
			return ExitOK
		}
		fmt.Fprintln(m.Stdout, "No checks in the configuration: nothing to verify.")
		return ExitOK
	}

	m.warnReadableSecrets(cfg)
	s, err := m.connect(ctx, cfg)
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	apps, err := m.lookupClientIDs(ctx, s, cfg, selected)
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	return m.runChecks(ctx, m.checkEnv(cfg, s, apps, nil, *retry), only, *jsonOut)
}

// lookupClientIDs finds the client id (appId) of every application the
// checks sign in as: adopted ones name it, managed ones are found by
// their unique name (one $batch for up to 20 applications).
func (m *Meta) lookupClientIDs(ctx context.Context, s *session, cfg *config.Config, selected []*config.Check) (map[string]string, error) {
	apps := map[string]string{}
	byName := map[string]string{} // unique name -> application address
	var names []string
	for _, c := range selected {
		a := cfg.Application(c.Application)
		if a == nil {
			continue
		}
		if a.Adopt != "" {
			apps[a.Addr] = a.Adopt
			continue
		}
		if _, seen := byName[a.UniqueName]; !seen {
			byName[a.UniqueName] = a.Addr
			names = append(names, a.UniqueName)
		}
	}
	found, err := s.engine.Entra.ApplicationsByUniqueName(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("looking up the checked applications: %w", err)
	}
	for name, addr := range byName {
		if app := found[name]; app != nil {
			apps[addr] = app.AppID
		} // else not in the tenant: the check says so
	}
	return apps, nil
}

func quoteNames(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

package cli

import "context"

func runValidate(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "validate", "validate [-var 'k=v'] [-var-file F]")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	m.Errorf("validate is not built yet")
	return ExitError
}

package cli

import "context"

func runFmt(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "fmt", "fmt [-check] [-diff] [-recursive] [FILE|DIR...]")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	m.Errorf("fmt is not built yet")
	return ExitError
}

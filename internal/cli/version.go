package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version is the release version; builds from source report the module
// version or "dev".
func Version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

func runVersion(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "version", "version")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	fmt.Fprintf(m.Stdout, "entraform %s\n", Version())
	return ExitOK
}

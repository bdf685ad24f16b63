package cli

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"runtime/debug"
)

// version and commit are set at link time by scripts/release:
//
//	-ldflags "-X github.com/entraform/entraform/internal/cli.version=v1.2.3 -X github.com/entraform/entraform/internal/cli.commit=<git sha>"
//
// Builds without them report what the Go toolchain recorded instead.
var version, commit string

// Version is the release version: the linked-in one, else the module
// version of `go install ...@version`, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// pseudoRev is the commit at the end of a module pseudo-version
// (v0.0.0-20261203210000-0123456789ab).
var pseudoRev = regexp.MustCompile(`-\d{14}-([0-9a-f]{12})(\+.*)?$`)

// Commit is the git commit the binary was built from: the linked-in one,
// else the VCS stamp of `go build` in a clone (with "-dirty" for local
// changes), else the commit of a pseudo-version, else "unknown".
func Commit() string {
	if commit != "" {
		return commit
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev string
	var dirty bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev != "" {
		if dirty {
			rev += "-dirty"
		}
		return rev
	}
	if m := pseudoRev.FindStringSubmatch(info.Main.Version); m != nil {
		return m[1]
	}
	return "unknown"
}

func runVersion(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "version", "version")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	fmt.Fprintf(m.Stdout, "entraform %s\ncommit %s\n%s %s/%s\n", Version(), Commit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}

package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a flag set in Terraform's habit: -name=value or
// -name value, with --name accepted too (the standard flag package treats
// both alike). -h and -help print the usage and are reported by parseFlags.
func newFlags(m *Meta, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package calls Usage itself on -h and on errors; parseFlags
	// decides when to print it, once.
	fs.Usage = func() {}
	m.usage = func() {
		fmt.Fprintf(m.Stdout, "Usage: entraform [global options] %s\n\n", synopsis)
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		if b.Len() > 0 {
			fmt.Fprintf(m.Stdout, "Options:\n%s", b.String())
		}
	}
	return fs
}

// parseFlags parses args and reports whether the command should go on. When
// it returns false, code is the exit code to return (0 after -h).
func parseFlags(m *Meta, fs *flag.FlagSet, args []string) (ok bool, code int) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return true, 0
	case errors.Is(err, flag.ErrHelp):
		if m.usage != nil {
			m.usage()
		}
		return false, ExitOK
	default:
		m.Errorf("%s: %v", fs.Name(), err)
		fmt.Fprintf(m.Stderr, "Run 'entraform %s -h' for its options.\n", fs.Name())
		return false, ExitError
	}
}

// stringList is a repeatable flag (-var a=b -var c=d).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

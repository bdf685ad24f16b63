package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// newFlags returns a flag set in Terraform's habit: -name=value or
// -name value, with --name accepted too (the standard flag package treats
// both alike). -h and -help print the usage and are reported by parseFlags.
func newFlags(m *Meta, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The global options are accepted after the command too (entraform
	// plan -chdir=DIR): no command has options of these names.
	fs.Func("chdir", "global option: run in `DIR` (as entraform -chdir=DIR "+name+")", func(v string) error {
		dir := m.Path(v)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("directory %s does not exist", dir)
		}
		m.Env = withDir(m.Env, dir)
		return nil
	})
	fs.BoolFunc("no-color", "global option: no ANSI colour in the output", func(v string) error {
		if on, err := strconv.ParseBool(v); err != nil || on {
			m.Color = false
		}
		return nil
	})
	// The flag package calls Usage itself on -h and on errors; parseFlags
	// decides when to print it, once.
	fs.Usage = func() {}
	m.flags = fs
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
//
// Options may follow positional arguments (entraform show x.plan -json):
// parsing goes on after each argument that is not an option, up to a "--",
// after which everything is an argument. fs.Args() holds the arguments.
func parseFlags(m *Meta, fs *flag.FlagSet, args []string) (ok bool, code int) {
	var positional []string
	var err error
	for {
		if err = fs.Parse(args); err != nil {
			break
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	if err == nil {
		// Parse stops at "--" and leaves the rest as fs.Args().
		err = fs.Parse(append([]string{"--"}, positional...))
	}
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

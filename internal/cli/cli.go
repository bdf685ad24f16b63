package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/entraform/entraform/internal/redact"
)

// Env is everything a command may touch of its process: streams,
// environment variables and the working directory. Tests build their own;
// main uses ProcessEnv. Nothing in this package reads os globals directly.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv looks up an environment variable ("" when unset).
	Getenv func(string) string
	// Environ lists the environment as KEY=VALUE pairs.
	Environ func() []string
	// Dir is the working directory; -chdir changes it for the command.
	Dir string
	// StdoutIsTerminal and StdinIsTerminal decide colour and prompts.
	StdoutIsTerminal bool
	StdinIsTerminal  bool
	StderrIsTerminal bool
}

// ProcessEnv describes the running process.
func ProcessEnv() *Env {
	dir, err := os.Getwd()
	if err != nil {
		dir = "."
	}
	return &Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		Environ:          os.Environ,
		Dir:              dir,
		StdoutIsTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		StdinIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Exit codes shared by the commands.
const (
	ExitOK      = 0
	ExitError   = 1
	ExitChanges = 2 // plan -detailed-exitcode found changes
	ExitFormat  = 3 // fmt -check found unformatted files
)

// Meta carries the global options to a command.
type Meta struct {
	*Env
	// Color is true when output may carry ANSI colour: a terminal, no
	// NO_COLOR and no -no-color.
	Color bool
	// usage prints the running command's options (set by newFlags).
	usage func()
	// flags is the running command's flag set (set by newFlags), which
	// completion reads.
	flags *flag.FlagSet
	// secrets are the values redacted from Stdout and Stderr: sensitive
	// variables' values and the secrets the command reads or creates.
	secrets *redact.Set
	// rawStdout writes to stdout unredacted, for what the user asked to
	// see (apply -show-secrets).
	rawStdout io.Writer
}

// Path resolves p against the working directory.
func (m *Meta) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(m.Dir, p)
}

// Errorf prints an error line on stderr.
// The message is cut at maxErrorLine bytes: an error can quote what a
// service or a file sent.
func (m *Meta) Errorf(format string, args ...any) {
	fmt.Fprintf(m.Stderr, "Error: %s\n", capText(fmt.Sprintf(format, args...), maxErrorLine))
}

// maxErrorLine bounds one Errorf message.
const maxErrorLine = 4000

type command struct {
	name     string
	synopsis string
	run      func(ctx context.Context, m *Meta, args []string) int
}

func commands() map[string]command {
	list := []command{
		{"validate", "Check the configuration offline", runValidate},
		{"fmt", "Rewrite configuration files to the canonical layout", runFmt},
		{"plan", "Show the changes that would make the tenant match the configuration", runPlan},
		{"apply", "Make the changes, then run the login checks", runApply},
		{"show", "Show a saved plan", runShow},
		{"destroy", "Remove everything this workspace owns", runDestroy},
		{"demo", "Run plan, apply and verify of an example on an in-process local tenant", runDemo},
		{"export", "Write configuration for existing applications, with adopt set", runExport},
		{"bench", "Measure plans and applies of generated configurations on local tenants", runBench},
		{"version", "Print the entraform version and commit", runVersion},
		{"help", "Show the commands, or a command's options: help COMMAND", runHelp},
		{"completion", "Print a shell completion script: completion bash|zsh|fish", runCompletion},
	}
	list = append(list, laterCommands()...)
	m := make(map[string]command, len(list))
	for _, c := range list {
		m[c.name] = c
	}
	return m
}

// Run executes one entraform invocation and returns its exit code.
func Run(ctx context.Context, args []string, env *Env) int {
	m := &Meta{Env: env}
	noColor := false
	// Global options come before the command name.
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		switch name {
		case "chdir":
			if !hasValue {
				if len(args) < 2 {
					m.Errorf("-chdir needs a directory")
					return ExitError
				}
				value = args[1]
				args = args[1:]
			}
			m.Env = withDir(m.Env, m.Path(value))
		case "no-color":
			noColor = true
		case "h", "help":
			usage(m.Stdout)
			return ExitOK
		case "v", "version":
			return runVersion(ctx, m, nil)
		default:
			cmd := "COMMAND"
			for _, a := range args[1:] {
				if _, ok := commands()[a]; ok {
					cmd = a
					break
				}
			}
			m.Errorf("unknown global option %q: the global options are -chdir=DIR and -no-color; a command's own options go after its name (entraform %s %s)", args[0], cmd, args[0])
			usage(m.Stderr)
			return ExitError
		}
		args = args[1:]
	}
	if len(args) == 0 {
		usage(m.Stderr)
		return ExitError
	}
	m.Color = !noColor && env.StdoutIsTerminal && env.Getenv("NO_COLOR") == ""
	if st, err := os.Stat(m.Dir); err != nil || !st.IsDir() {
		m.Errorf("working directory %s does not exist", m.Dir)
		return ExitError
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		m.Errorf("unknown command %q", args[0])
		usage(m.Stderr)
		return ExitError
	}
	// Everything the command prints passes the redaction by value.
	m.secrets = &redact.Set{}
	stdout, stderr := m.secrets.Writer(m.Stdout), m.secrets.Writer(m.Stderr)
	defer stdout.Flush()
	defer stderr.Flush()
	m.rawStdout = stdout.Raw()
	m.Env = withStreams(m.Env, stdout, stderr)
	return cmd.run(ctx, m, args[1:])
}

func withStreams(e *Env, stdout, stderr io.Writer) *Env {
	c := *e
	c.Stdout, c.Stderr = stdout, stderr
	return &c
}

func withDir(e *Env, dir string) *Env {
	c := *e
	c.Dir = dir
	return &c
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: entraform [-chdir=DIR] [-no-color] COMMAND [options]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].synopsis)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'entraform COMMAND -h' for a command's options.")
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// runCompletion prints a completion script for bash, zsh or fish. The
// scripts are generated from the commands and their flag sets, so they
// complete exactly the commands and options this binary has.
func runCompletion(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "completion", "completion bash|zsh|fish")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		m.Errorf("completion needs one shell: bash, zsh or fish. For example, in ~/.bashrc: source <(entraform completion bash)")
		return ExitError
	}
	specs := completionSpecs(ctx, m)
	switch fs.Arg(0) {
	case "bash":
		writeBash(m.Stdout, specs)
	case "zsh":
		fmt.Fprintln(m.Stdout, "#compdef entraform")
		fmt.Fprintln(m.Stdout, "# zsh completion for entraform: source <(entraform completion zsh), or save it as _entraform on $fpath.")
		fmt.Fprintln(m.Stdout, "autoload -U +X bashcompinit && bashcompinit")
		writeBash(m.Stdout, specs)
	case "fish":
		writeFish(m.Stdout, specs)
	default:
		m.Errorf("completion: unknown shell %q; the shells are bash, zsh and fish", fs.Arg(0))
		return ExitError
	}
	return ExitOK
}

// cmdSpec is what completion knows of a command.
type cmdSpec struct {
	name, synopsis string
	flags          []flagSpec
	// words are the fixed arguments (subcommands, shells, command names);
	// without them arguments complete as file names.
	words []string
}

type flagSpec struct {
	name, usage string
	value       bool // takes a value
}

// completionSpecs asks every command for its flag set by running it with
// -h against discarded output (every command parses its flags first).
func completionSpecs(ctx context.Context, m *Meta) []cmdSpec {
	cmds := commands()
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range cmds {
			if !yield(n) {
				return
			}
		}
	})
	var out []cmdSpec
	for _, name := range names {
		spec := cmdSpec{name: name, synopsis: cmds[name].synopsis}
		args := []string{"-h"}
		switch name {
		case "help":
			spec.words = names
			out = append(out, spec)
			continue
		case "completion":
			spec.words = []string{"bash", "zsh", "fish"}
		case "tenant":
			spec.words = []string{"serve"}
			args = []string{"serve", "-h"}
		}
		env := *m.Env
		env.Stdout, env.Stderr = io.Discard, io.Discard
		sub := &Meta{Env: &env}
		cmds[name].run(ctx, sub, args)
		if sub.flags != nil {
			sub.flags.VisitAll(func(f *flag.Flag) {
				b, isBool := f.Value.(interface{ IsBoolFlag() bool })
				spec.flags = append(spec.flags, flagSpec{
					name:  f.Name,
					usage: f.Usage,
					value: !(isBool && b.IsBoolFlag()),
				})
			})
		}
		out = append(out, spec)
	}
	return out
}

// globalFlags are the options before the command.
var globalFlags = []flagSpec{
	{name: "chdir", usage: "run in DIR", value: true},
	{name: "no-color", usage: "no ANSI colour in the output"},
	{name: "help", usage: "show the commands"},
	{name: "version", usage: "print the version and commit"},
}

func flagWords(flags []flagSpec, valuesOnly bool) string {
	var w []string
	for _, f := range flags {
		if !valuesOnly || f.value {
			w = append(w, "-"+f.name)
		}
	}
	return strings.Join(w, " ")
}

// writeBash writes a bash completion function: commands first, then the
// command's options (after "-"), its fixed words, or file names (also
// after an option that takes a value).
func writeBash(w io.Writer, specs []cmdSpec) {
	var names []string
	for _, s := range specs {
		names = append(names, s.name)
	}
	fmt.Fprintf(w, `# bash completion for entraform: source <(entraform completion bash)
_entraform() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local cmd="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -chdir|--chdir) ((i++)) ;;
            -*) ;;
            *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    local flags="" values="" words=""
    case $cmd in
        "") flags=%q; values="-chdir"; words=%q ;;
`, flagWords(globalFlags, false), strings.Join(names, " "))
	for _, s := range specs {
		fmt.Fprintf(w, "        %s) flags=%q; values=%q; words=%q ;;\n",
			s.name, flagWords(s.flags, false), flagWords(s.flags, true), strings.Join(s.words, " "))
	}
	fmt.Fprint(w, `    esac
    local p=${prev#-}
    p=${p#-}
    if [[ $prev == -* && " $values " == *" -$p "* ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o default -F _entraform entraform
`)
}

// writeFish writes fish completions: commands with their synopses, and
// each command's options (fish's old-style -name options).
func writeFish(w io.Writer, specs []cmdSpec) {
	q := func(s string) string {
		if i := strings.Index(s, "; "); i > 0 {
			s = s[:i]
		}
		return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", " ", "`", "").Replace(s) + "'"
	}
	fmt.Fprintln(w, "# fish completion for entraform: entraform completion fish > ~/.config/fish/completions/entraform.fish")
	fmt.Fprintln(w, "complete -c entraform -f")
	for _, f := range globalFlags {
		r := ""
		if f.value {
			r = " -r -a '(__fish_complete_directories)'"
		}
		fmt.Fprintf(w, "complete -c entraform -n __fish_use_subcommand -o %s%s -d %s\n", f.name, r, q(f.usage))
	}
	for _, s := range specs {
		fmt.Fprintf(w, "complete -c entraform -n __fish_use_subcommand -a %s -d %s\n", s.name, q(s.synopsis))
		cond := q("__fish_seen_subcommand_from " + s.name)
		for _, f := range s.flags {
			r := ""
			if f.value {
				r = " -r -F"
			}
			fmt.Fprintf(w, "complete -c entraform -n %s -o %s%s -d %s\n", cond, f.name, r, q(f.usage))
		}
		if len(s.words) > 0 {
			fmt.Fprintf(w, "complete -c entraform -n %s -a %s\n", cond, q(strings.Join(s.words, " ")))
		} else {
			fmt.Fprintf(w, "complete -c entraform -n %s -F\n", cond)
		}
	}
}

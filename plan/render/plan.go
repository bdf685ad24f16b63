package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/entraform/entraform/plan"
)

// Options changes how a plan is rendered.
type Options struct {
	// Color adds ANSI colours (only on a terminal).
	Color bool
}

// Plan writes the text form of p: the changed objects, then the summary.
func Plan(w io.Writer, p *plan.Plan, opts Options) error {
	s := style{opts.Color}
	var b strings.Builder
	if !p.HasChanges() {
		b.WriteString("\n" + s.bold(s.green("No changes.")) + s.bold(" Your tenant matches the configuration.") + "\n\n")
		b.WriteString("entraform compared your configuration with the tenant and found no differences, so no changes are needed.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("\nentraform will perform the following actions:\n")
	for _, c := range p.Changes {
		if c.Action == plan.NoOp {
			continue
		}
		b.WriteString("\n")
		writeChange(&b, c, s)
	}
	add, change, destroy := p.Counts()
	b.WriteString("\n" + s.bold(fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy.", add, change, destroy)) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Summary returns the one-line summary of a plan.
func Summary(p *plan.Plan) string {
	if !p.HasChanges() {
		return "No changes. Your tenant matches the configuration."
	}
	add, change, destroy := p.Counts()
	return fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy.", add, change, destroy)
}

func writeChange(b *strings.Builder, c *plan.Change, s style) {
	header, marker := describe(c.Action)
	fmt.Fprintf(b, "  %s\n", s.bold("# "+c.Address+" "+header))
	if c.Reason != "" {
		fmt.Fprintf(b, "  # (%s)\n", c.Reason)
	} else if c.Action == plan.Delete && c.Parent == "" {
		fmt.Fprintf(b, "  # (because %s is not in the configuration)\n", c.Address)
	}
	label := c.Type.Label()
	if c.Name != "" {
		label += fmt.Sprintf(" %q", c.Name)
	}
	fmt.Fprintf(b, "%s %s {\n", markerColor(s, c.Action)(fmt.Sprintf("%3s", marker)), label)
	writeAttributes(b, c, s)
	b.WriteString("    }\n")
}

func describe(a plan.Action) (header, marker string) {
	switch a {
	case plan.Create:
		return "will be created", "+"
	case plan.Update:
		return "will be updated in-place", "~"
	case plan.Delete:
		return "will be destroyed", "-"
	case plan.DeleteThenCreate:
		return "must be replaced", "-/+"
	case plan.CreateThenDelete:
		return "must be replaced", "+/-"
	}
	return "", " "
}

func markerColor(s style, a plan.Action) func(string) string {
	switch a {
	case plan.Create:
		return s.green
	case plan.Delete:
		return s.red
	case plan.Update:
		return s.yellow
	}
	return s.yellow
}

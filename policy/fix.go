package policy

import (
	"fmt"
	"strconv"
	"strings"
)

// hclList renders a list of strings as HCL: ["a", "b"].
func hclList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// permissionBlock renders a permission block with the given lists, laid
// out as entraform fmt does.
func permissionBlock(label string, delegated, application []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "permission %q {\n", label)
	switch {
	case len(delegated) > 0 && len(application) > 0:
		fmt.Fprintf(&b, "  delegated   = %s\n  application = %s\n", hclList(delegated), hclList(application))
	case len(delegated) > 0:
		fmt.Fprintf(&b, "  delegated = %s\n", hclList(delegated))
	default:
		fmt.Fprintf(&b, "  application = %s\n", hclList(application))
	}
	b.WriteString("}")
	return b.String()
}

// indent indents every line of s by n spaces, for HCL inside a message.
func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}

// names returns the names as written of a block's permissions of one kind,
// with replacements applied (old name -> new name, "" to drop).
func names(p perm, delegated bool, replace map[string]string) []string {
	refs := p.block.Application
	if delegated {
		refs = p.block.Delegated
	}
	var out []string
	for _, r := range refs {
		n := r.Name
		if rep, ok := replace[n]; ok {
			if rep == "" {
				continue
			}
			n = rep
		}
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// quoted joins names for a message.
func quoted(list []string) string {
	return strings.Join(list, ", ")
}

package export

import (
	"fmt"
	"strings"
)

// identifier turns free text (a display name, a site path) into an HCL
// block name: lower case letters, digits and underscores, starting with a
// letter. fallback is used when nothing of the text is left.
func identifier(text, fallback string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(text) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if underscore && b.Len() > 0 {
				b.WriteByte('_')
			}
			underscore = false
			b.WriteRune(r)
		default:
			underscore = true
		}
	}
	s := b.String()
	if s == "" {
		return fallback
	}
	if s[0] >= '0' && s[0] <= '9' {
		s = fallback + "_" + s
	}
	return s
}

// namer hands out names that are unique within one scope, adding _2, _3,
// ... to repeats.
type namer map[string]bool

func (n namer) unique(name string) string {
	out := name
	for i := 2; n[out]; i++ {
		out = fmt.Sprintf("%s_%d", name, i)
	}
	n[out] = true
	return out
}

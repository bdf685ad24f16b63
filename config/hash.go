package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// hashConfig hashes the sources (by name and content) and the final
// variable values, so a change to either changes the hash.
func hashConfig(sources []source, vars map[string]cty.Value) string {
	h := sha256.New()
	for _, s := range sources {
		fmt.Fprintf(h, "file %q %d\n", s.name, len(s.data))
		h.Write(s.data)
	}
	for _, name := range sortedKeys(vars) {
		v, _ := vars[name].UnmarkDeep()
		fmt.Fprintf(h, "var %q ", name)
		if !v.IsWhollyKnown() {
			fmt.Fprintf(h, "unknown\n")
			continue
		}
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			fmt.Fprintf(h, "error %v\n", err)
			continue
		}
		tb, _ := ctyjson.MarshalType(v.Type())
		fmt.Fprintf(h, "%s %s\n", tb, b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

package config

import (
	"fmt"
	"math/big"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// maxCount bounds count so a typo cannot expand into millions of objects.
const maxCount = 10000

type expandMode int

const (
	modeSingle expandMode = iota
	modeForEach
	modeCount
)

// instance is one expansion of a block.
type instance struct {
	mode  expandMode
	key   cty.Value // string for for_each, number for count, NilVal for single
	value cty.Value // each.value
	addr  string
}

// expand evaluates a block's for_each or count into its instances.
func (l *loader) expand(kind, name string, b *block, ctx *hcl.EvalContext) ([]instance, expandMode, hcl.Diagnostics) {
	base := kind + "." + name
	fe, hasFE := b.body.attrs["for_each"]
	cnt, hasCount := b.body.attrs["count"]
	switch {
	case hasFE && hasCount:
		return nil, modeSingle, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid combination of count and for_each",
			Detail:   "A block may set count or for_each, not both.",
			Subject:  cnt.NameRange.Ptr(),
		}}
	case hasFE:
		return expandForEach(base, fe, ctx)
	case hasCount:
		return expandCount(base, cnt, ctx)
	}
	return []instance{{mode: modeSingle, key: cty.NilVal, addr: base}}, modeSingle, nil
}

func expandForEach(base string, a *hcl.Attribute, ctx *hcl.EvalContext) ([]instance, expandMode, hcl.Diagnostics) {
	val, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return nil, modeForEach, diags
	}
	bad := func(detail string) ([]instance, expandMode, hcl.Diagnostics) {
		return nil, modeForEach, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid for_each argument",
			Detail:   detail,
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	if val.ContainsMarked() {
		return bad("for_each cannot use sensitive values: their keys would appear in addresses and plans.")
	}
	if val.IsNull() {
		return bad("for_each is null; give it a map, or a set of strings.")
	}
	if !val.IsKnown() {
		return bad("for_each depends on a value known only after apply; it must be known when the configuration is loaded.")
	}
	ty := val.Type()
	var out []instance
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		for it := val.ElementIterator(); it.Next(); {
			k, v := it.Element()
			out = append(out, instance{mode: modeForEach, key: k, value: v, addr: fmt.Sprintf("%s[%q]", base, k.AsString())})
		}
	case ty.IsSetType():
		if !ty.ElementType().Equals(cty.String) && ty.ElementType() != cty.DynamicPseudoType {
			return bad(fmt.Sprintf("for_each over a set needs a set of strings, not %s.", typeString(ty)))
		}
		if !val.IsWhollyKnown() {
			return bad("for_each depends on a value known only after apply; it must be known when the configuration is loaded.")
		}
		for it := val.ElementIterator(); it.Next(); {
			_, v := it.Element()
			if v.IsNull() {
				return bad("for_each sets cannot contain null.")
			}
			out = append(out, instance{mode: modeForEach, key: v, value: v, addr: fmt.Sprintf("%s[%q]", base, v.AsString())})
		}
	case ty.IsListType() || ty.IsTupleType():
		return bad("for_each needs a map, or a set of strings; convert a list with toset(...).")
	default:
		return bad(fmt.Sprintf("for_each needs a map, or a set of strings, not %s.", typeString(ty)))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key.AsString() < out[j].key.AsString() })
	return out, modeForEach, diags
}

func expandCount(base string, a *hcl.Attribute, ctx *hcl.EvalContext) ([]instance, expandMode, hcl.Diagnostics) {
	val, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return nil, modeCount, diags
	}
	val, _ = val.UnmarkDeep()
	bad := func(detail string) ([]instance, expandMode, hcl.Diagnostics) {
		return nil, modeCount, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid count argument",
			Detail:   detail,
			Subject:  a.Expr.Range().Ptr(),
		})
	}
	if !val.IsKnown() {
		return bad("count depends on a value known only after apply; it must be known when the configuration is loaded.")
	}
	if val.IsNull() || val.Type() != cty.Number {
		return bad("count must be a whole number.")
	}
	bf := val.AsBigFloat()
	if !bf.IsInt() || bf.Sign() < 0 || bf.Cmp(big.NewFloat(maxCount)) > 0 {
		return bad(fmt.Sprintf("count must be a whole number from 0 to %d.", maxCount))
	}
	n, _ := bf.Int64()
	out := make([]instance, n)
	for i := range out {
		out[i] = instance{mode: modeCount, key: cty.NumberIntVal(int64(i)), addr: fmt.Sprintf("%s[%d]", base, i)}
	}
	return out, modeCount, diags
}

// keyString renders an instance key for names ("k" or "0"); "" for single.
func keyString(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if k.Type() == cty.String {
		return k.AsString()
	}
	return k.AsBigFloat().Text('f', -1)
}

// keyLess orders instance keys: numbers numerically, strings lexically.
func keyLess(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == cty.NilVal && b != cty.NilVal
	}
	if a.Type() == cty.Number && b.Type() == cty.Number {
		return a.AsBigFloat().Cmp(b.AsBigFloat()) < 0
	}
	return keyString(a) < keyString(b)
}

func sortInstances(c *Config) {
	sortData(c.Data)
	sort.SliceStable(c.Applications, func(i, j int) bool {
		a, b := c.Applications[i], c.Applications[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return keyLess(a.Key, b.Key)
	})
	sort.SliceStable(c.Sites, func(i, j int) bool {
		a, b := c.Sites[i], c.Sites[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return keyLess(a.Key, b.Key)
	})
	sort.SliceStable(c.Checks, func(i, j int) bool {
		a, b := c.Checks[i], c.Checks[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return keyLess(a.Key, b.Key)
	})
}

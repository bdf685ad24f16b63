package planfile

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/entraform/entraform/plan"
)

// FormatVersion is the version of the JSON format written here. A reader
// accepts the same major version.
const FormatVersion = "1.0"

// File is the JSON document.
type File struct {
	FormatVersion    string                  `json:"format_version"`
	EntraformVersion string                  `json:"entraform_version,omitempty"`
	Workspace        string                  `json:"workspace"`
	TenantID         string                  `json:"tenant_id"`
	ConfigHash       string                  `json:"config_hash"`
	Destroy          bool                    `json:"destroy"`
	CreatedAt        time.Time               `json:"created_at"`
	ResourceChanges  []ResourceChange        `json:"resource_changes"`
	OutputChanges    map[string]OutputChange `json:"output_changes,omitempty"`
	// PolicyFindings are what the policy review found (entraform plan
	// runs it); reading a plan ignores them.
	PolicyFindings []Finding `json:"policy_findings,omitempty"`
}

// Finding is one policy finding: a built-in rule's or a policy block's.
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"` // "error" or "warning"
	Address  string `json:"address"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail,omitempty"`
	Fix      string `json:"fix,omitempty"`
	Range    *Range `json:"range,omitempty"`
	// Ignored is the reason of the ignore block that silences the
	// finding; "" when it counts.
	Ignored string `json:"ignored,omitempty"`
}

// Range is a source range, as in validate -json diagnostics.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Pos is a position in a source file (1-based line and column, 0-based
// byte offset).
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// ResourceChange is one object's change.
type ResourceChange struct {
	Address   string   `json:"address"`
	Type      string   `json:"type"`
	Name      string   `json:"name,omitempty"`
	Parent    string   `json:"parent,omitempty"`
	DependsOn []string `json:"depends_on,omitempty"`
	Change    Change   `json:"change"`
}

// Change holds the values before and after.
type Change struct {
	Actions         []string        `json:"actions"`
	Before          json.RawMessage `json:"before"`
	After           json.RawMessage `json:"after"`
	AfterUnknown    map[string]bool `json:"after_unknown"`
	BeforeSensitive map[string]bool `json:"before_sensitive"`
	AfterSensitive  map[string]bool `json:"after_sensitive"`
	ReplacePaths    [][]string      `json:"replace_paths,omitempty"`
	Reason          string          `json:"reason,omitempty"`
}

// OutputChange is an output's value as far as it is known at plan time.
type OutputChange struct {
	Actions        []string        `json:"actions"`
	After          json.RawMessage `json:"after"`
	AfterUnknown   bool            `json:"after_unknown"`
	AfterSensitive bool            `json:"after_sensitive"`
}

// Encode converts a plan to its JSON document.
func Encode(p *plan.Plan, version string) (*File, error) {
	f := &File{
		FormatVersion:    FormatVersion,
		EntraformVersion: version,
		Workspace:        p.Workspace,
		TenantID:         p.TenantID,
		ConfigHash:       p.ConfigHash,
		Destroy:          p.Destroy,
		CreatedAt:        p.CreatedAt.UTC(),
		ResourceChanges:  []ResourceChange{},
	}
	for _, c := range p.Changes {
		before, err := encodeValue(c, c.Before, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: before: %w", c.Address, err)
		}
		unknown := map[string]bool{}
		after, err := encodeValue(c, c.After, unknown)
		if err != nil {
			return nil, fmt.Errorf("%s: after: %w", c.Address, err)
		}
		sensitive := sensitiveAttrs(c)
		rc := ResourceChange{
			Address: c.Address, Type: string(c.Type), Name: c.Name, Parent: c.Parent, DependsOn: c.DependsOn,
			Change: Change{
				Actions: c.Action.Steps(), Before: before, After: after,
				AfterUnknown: unknown, BeforeSensitive: sensitive, AfterSensitive: sensitive,
				Reason: c.Reason,
			},
		}
		for _, path := range c.ReplacePaths {
			rc.Change.ReplacePaths = append(rc.Change.ReplacePaths, []string{path})
		}
		f.ResourceChanges = append(f.ResourceChanges, rc)
	}
	if len(p.Outputs) > 0 {
		f.OutputChanges = map[string]OutputChange{}
		for name, o := range p.Outputs {
			oc := OutputChange{Actions: []string{"create"}, AfterSensitive: o.Sensitive, After: json.RawMessage("null")}
			v, _ := o.Value.UnmarkDeep()
			switch {
			case !v.IsWhollyKnown():
				oc.AfterUnknown = true
			case o.Sensitive:
				// never written
			default:
				raw, err := ctyjson.Marshal(v, v.Type())
				if err != nil {
					return nil, fmt.Errorf("output %s: %w", name, err)
				}
				oc.After = raw
			}
			f.OutputChanges[name] = oc
		}
	}
	return f, nil
}

// Write writes the plan as indented JSON.
func Write(w io.Writer, p *plan.Plan, version string) error {
	f, err := Encode(p, version)
	if err != nil {
		return err
	}
	return f.Write(w)
}

// Write writes the document as indented JSON.
func (f *File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// encodeValue writes an object value as JSON with unknown attributes as
// null, recording them in unknown, and sensitive attributes never written.
func encodeValue(c *plan.Change, v cty.Value, unknown map[string]bool) (json.RawMessage, error) {
	if v == cty.NilVal || v.IsNull() {
		return json.RawMessage("null"), nil
	}
	attrs := map[string]cty.Value{}
	for _, a := range plan.Schema(c.Type) {
		av := v.GetAttr(a.Name)
		switch {
		case !av.IsWhollyKnown():
			if unknown != nil {
				unknown[a.Name] = true
			}
			av = cty.NullVal(a.Type)
		case c.IsSensitive(a.Name):
			av = cty.NullVal(a.Type)
		}
		attrs[a.Name] = av
	}
	obj := cty.ObjectVal(attrs)
	return ctyjson.Marshal(obj, obj.Type())
}

func sensitiveAttrs(c *plan.Change) map[string]bool {
	out := map[string]bool{}
	for _, a := range plan.Schema(c.Type) {
		if c.IsSensitive(a.Name) {
			out[a.Name] = true
		}
	}
	return out
}

// Read parses a plan document and rebuilds the plan (without the typed
// Desired/Current objects, which apply rebuilds from a fresh read).
func Read(r io.Reader) (*plan.Plan, error) {
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("reading plan file: %w", err)
	}
	return Decode(&f)
}

// Decode rebuilds a plan from its document.
func Decode(f *File) (*plan.Plan, error) {
	if f.FormatVersion == "" || majorOf(f.FormatVersion) != majorOf(FormatVersion) {
		return nil, fmt.Errorf("plan file format %q is not supported (this entraform reads %s)", f.FormatVersion, FormatVersion)
	}
	p := &plan.Plan{
		Workspace: f.Workspace, TenantID: f.TenantID, ConfigHash: f.ConfigHash,
		Destroy: f.Destroy, CreatedAt: f.CreatedAt,
	}
	for i, rc := range f.ResourceChanges {
		t := plan.ObjectType(rc.Type)
		if plan.Schema(t) == nil {
			return nil, fmt.Errorf("resource_changes[%d] (%s): unknown type %q", i, rc.Address, rc.Type)
		}
		action, ok := plan.ActionFromSteps(rc.Change.Actions)
		if !ok {
			return nil, fmt.Errorf("resource_changes[%d] (%s): unknown actions %q", i, rc.Address, rc.Change.Actions)
		}
		before, err := decodeValue(t, rc.Change.Before, nil)
		if err != nil {
			return nil, fmt.Errorf("resource_changes[%d] (%s): before: %w", i, rc.Address, err)
		}
		after, err := decodeValue(t, rc.Change.After, rc.Change.AfterUnknown)
		if err != nil {
			return nil, fmt.Errorf("resource_changes[%d] (%s): after: %w", i, rc.Address, err)
		}
		c := &plan.Change{
			Address: rc.Address, Type: t, Name: rc.Name, Action: action, Parent: rc.Parent,
			DependsOn: rc.DependsOn, Before: before, After: after, Reason: rc.Change.Reason,
		}
		for _, a := range plan.Schema(t) {
			if rc.Change.AfterSensitive[a.Name] && !a.Sensitive {
				c.SensitivePaths = append(c.SensitivePaths, a.Name)
			}
		}
		for _, path := range rc.Change.ReplacePaths {
			if len(path) > 0 {
				c.ReplacePaths = append(c.ReplacePaths, path[0])
			}
		}
		p.Changes = append(p.Changes, c)
	}
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].Address < p.Changes[j].Address })
	if len(f.OutputChanges) > 0 {
		p.Outputs = map[string]plan.OutputValue{}
		for name, oc := range f.OutputChanges {
			v := cty.DynamicVal
			if !oc.AfterUnknown && len(oc.After) > 0 && string(oc.After) != "null" {
				t, err := ctyjson.ImpliedType(oc.After)
				if err != nil {
					return nil, fmt.Errorf("output %s: %w", name, err)
				}
				if v, err = ctyjson.Unmarshal(oc.After, t); err != nil {
					return nil, fmt.Errorf("output %s: %w", name, err)
				}
			} else if !oc.AfterUnknown {
				v = cty.NullVal(cty.DynamicPseudoType)
			}
			p.Outputs[name] = plan.OutputValue{Value: v, Sensitive: oc.AfterSensitive}
		}
	}
	return p, nil
}

func decodeValue(t plan.ObjectType, raw json.RawMessage, unknown map[string]bool) (cty.Value, error) {
	ty := plan.ObjectTypeOf(t)
	if len(raw) == 0 || string(raw) == "null" {
		return cty.NullVal(ty), nil
	}
	v, err := ctyjson.Unmarshal(raw, ty)
	if err != nil {
		return cty.NilVal, err
	}
	if len(unknown) == 0 {
		return v, nil
	}
	m := v.AsValueMap()
	for name, u := range unknown {
		if a, ok := m[name]; ok && u {
			m[name] = cty.UnknownVal(a.Type())
		}
	}
	return cty.ObjectVal(m), nil
}

func majorOf(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			return v[:i]
		}
	}
	return v
}

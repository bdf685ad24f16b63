package plan

import (
	"sort"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// Change is one planned change to one object.
type Change struct {
	Address string
	Type    ObjectType
	// Name is the label shown in the rendered block header: the block
	// name for applications, the credential or grant name for children.
	Name   string
	Action Action
	// Before is the object as read from the tenant (null for a create);
	// After is the object as it will be (null for a delete). After may
	// contain unknown values: "known after apply".
	Before cty.Value
	After  cty.Value
	// ReplacePaths names the attributes that force a replacement.
	ReplacePaths []string
	// Reason says in words why the change is planned when the attribute
	// diff does not show it (a secret near expiry, a lost secret value).
	Reason string
	// Parent is the address of the application that owns this object
	// ("" for applications).
	Parent string
	// DependsOn lists the addresses that must be applied first.
	DependsOn []string
	// SensitivePaths names attributes whose values come from sensitive
	// variables: renderers hide them and plan files leave them out, as
	// they do the attributes the schema marks sensitive.
	SensitivePaths []string

	// Desired and Current carry the typed objects the executor needs.
	// They are not part of the plan file; apply rebuilds them from the
	// configuration and a fresh read.
	Desired any `json:"-"`
	Current any `json:"-"`
}

// Plan is the whole set of changes for one workspace.
type Plan struct {
	// Workspace is the ownership tag of the configuration.
	Workspace string
	// TenantID is the tenant the plan was made against.
	TenantID string
	// ConfigHash identifies the configuration (files and variables).
	ConfigHash string
	// Destroy is true for a plan that removes everything the workspace owns.
	Destroy bool
	// Changes are sorted by address. No-op changes are included so that a
	// reader sees every object the configuration declares.
	Changes []*Change
	// Outputs holds the output values known at plan time (unknown ones
	// are cty unknowns).
	Outputs map[string]OutputValue
	// CreatedAt is when the plan was made.
	CreatedAt time.Time
}

// OutputValue is an output's value and whether it is sensitive.
type OutputValue struct {
	Value     cty.Value
	Sensitive bool
}

// Counts returns how many objects the plan adds, changes and destroys, as
// the summary line of a rendered plan counts them (a replacement counts
// once as added and once as destroyed).
func (p *Plan) Counts() (add, change, destroy int) {
	for _, c := range p.Changes {
		switch c.Action {
		case Create:
			add++
		case Update:
			change++
		case Delete:
			destroy++
		case DeleteThenCreate, CreateThenDelete:
			add++
			destroy++
		}
	}
	return
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp {
			return true
		}
	}
	return false
}

// Change returns the change with the given address, or nil.
func (p *Plan) Change(addr string) *Change {
	for _, c := range p.Changes {
		if c.Address == addr {
			return c
		}
	}
	return nil
}

func (p *Plan) sort() {
	sort.SliceStable(p.Changes, func(i, j int) bool {
		return p.Changes[i].Address < p.Changes[j].Address
	})
}

// IsSensitive reports whether the change's attribute is hidden: by the
// schema (a secret's value) or because its value is sensitive.
func (c *Change) IsSensitive(attr string) bool {
	if a, ok := attribute(c.Type, attr); ok && a.Sensitive {
		return true
	}
	for _, p := range c.SensitivePaths {
		if p == attr {
			return true
		}
	}
	return false
}

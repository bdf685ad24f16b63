package plan

// Action is what applying a change does to its object.
type Action string

// The actions of a plan. Replacements come in two orders: applications are
// deleted then created (a uniqueName is unique), credentials are created
// before the old one is removed so the app never goes without one.
const (
	NoOp             Action = "no-op"
	Create           Action = "create"
	Update           Action = "update"
	Delete           Action = "delete"
	DeleteThenCreate Action = "delete-create"
	CreateThenDelete Action = "create-delete"
)

// IsReplace reports whether the action replaces the object.
func (a Action) IsReplace() bool { return a == DeleteThenCreate || a == CreateThenDelete }

// Steps returns the action as the list Terraform's JSON format uses:
// ["create"], ["update"], ["delete","create"], ["create","delete"], ...
func (a Action) Steps() []string {
	switch a {
	case DeleteThenCreate:
		return []string{"delete", "create"}
	case CreateThenDelete:
		return []string{"create", "delete"}
	}
	return []string{string(a)}
}

// ActionFromSteps is the inverse of Steps; ok is false for an unknown list.
func ActionFromSteps(steps []string) (Action, bool) {
	switch len(steps) {
	case 1:
		switch a := Action(steps[0]); a {
		case NoOp, Create, Update, Delete:
			return a, true
		}
	case 2:
		switch {
		case steps[0] == "delete" && steps[1] == "create":
			return DeleteThenCreate, true
		case steps[0] == "create" && steps[1] == "delete":
			return CreateThenDelete, true
		}
	}
	return "", false
}

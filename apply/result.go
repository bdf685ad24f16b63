package apply

import "time"

// Result is what an apply did.
type Result struct {
	// Applied lists the addresses changed successfully, in completion order.
	Applied []string
	// Failed lists the changes that failed, with their errors.
	Failed []Failure
	// Skipped lists the changes not attempted because something they
	// depend on failed.
	Skipped []Skip
	// Rounds is the dependency depth the apply walked (deletes and the
	// rest counted apart and added).
	Rounds int
	// Duration is the wall time of the apply.
	Duration time.Duration
	// Apps holds the ids of every application of the plan after apply, by
	// address.
	Apps map[string]AppIDs
	// Secrets holds the secret values created by this apply, by
	// application address. They live only in memory: checks use them.
	Secrets map[string][]NewSecret
}

// Failure is a change that failed.
type Failure struct {
	Address string
	Err     error
}

// Skip is a change that was not attempted.
type Skip struct {
	Address string
	// Because is the address of the failed change it depends on.
	Because string
}

// AppIDs are an application's identifiers in the tenant.
type AppIDs struct {
	AppID              string
	ObjectID           string
	ServicePrincipalID string
}

// NewSecret is a secret created by this apply.
type NewSecret struct {
	Name    string
	KeyID   string
	Value   string
	WriteTo string
}

// OK reports whether every change was applied.
func (r *Result) OK() bool { return len(r.Failed) == 0 && len(r.Skipped) == 0 }

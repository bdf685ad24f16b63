// Package policy reviews a configuration for least privilege before it
// reaches the tenant: built-in rules (rules.go lists them, docs/POLICY.md
// explains each) and the organisation's own policy blocks, evaluated on
// the planned objects, with ignore blocks that silence a rule for an
// address and say why.
//
// # Use
//
//	res, diags := policy.Evaluate(policy.Input{
//		Config:   cfg,          // loaded without errors
//		Policies: extra,        // policy blocks from -policy DIR
//		Snapshot: snap,         // nil offline (validate); the tenant at plan time
//	})
//
// Offline, permissions of resources outside the built-in catalog are not
// resolved yet, so the rules about permissions skip them; with a snapshot
// they are resolved against the resource service principal the tenant
// publishes, which is what "rules needing the tenant" means here. Policy
// objects carry an action (create, update, no-op, ...) only when a plan is
// given.
//
// Findings carry a rule id, a severity, the address of the object and the
// source range of the offending attribute, a message and a fix (often the
// exact HCL). Result.Fails(threshold) says whether they fail the command.
//
// The package reads no files and does no I/O: it works on the loaded
// configuration, the snapshot and the plan.
package policy

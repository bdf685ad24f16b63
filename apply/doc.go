// Package apply carries out a plan against the tenant: it walks the
// changes as a dependency graph with bounded concurrency, deletes in
// reverse dependency order before anything is created, skips the
// dependants of a failed change, writes new secret values only to their
// write_to files (or to a writer the user asked for), and reports what was
// applied, what failed and what was skipped.
//
// It talks to the tenant through the Tenant interface, which the engine
// satisfies with the real providers; tests use the same providers against
// the local tenant.
package apply

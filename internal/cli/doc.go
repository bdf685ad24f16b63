// Package cli implements entraform's command line: one file per command,
// each wiring config, plan, apply and the providers together.
//
// Flags use the standard library's flag package rather than a CLI framework:
// it gives exactly Terraform's habit (-flag=value, -flag value, and --flag
// as a synonym) which pflag-based frameworks such as cobra do not, and the
// command table here is small enough not to need one.
package cli

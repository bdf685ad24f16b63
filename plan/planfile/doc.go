// Package planfile is the machine form of a plan: the JSON written by
// `plan -out`, `plan -json` and `show -json`, and read back by `apply FILE`
// and `show`.
//
// The format is versioned (format_version) and shaped like Terraform's
// JSON plan so that tools which read one can read the other:
// resource_changes with address, type, change.actions, before, after,
// after_unknown. It never holds a secret: secret values are never part of
// a plan (they are unknown until apply), and sensitive outputs are written
// without their value.
package planfile

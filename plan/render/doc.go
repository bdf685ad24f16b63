// Package render writes a plan as text in Terraform's habit: a block per
// changed object with +, ~, -, -/+ and +/- markers, only the changed
// attributes of an update, "(known after apply)" for values the tenant
// decides, "(sensitive value)" for secrets, and a summary line.
package render

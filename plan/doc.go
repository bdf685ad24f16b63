// Package plan turns the desired model (package config) and the actual
// tenant (a Snapshot read by the providers) into a Plan: an ordered list of
// changes to low-level objects with stable addresses, each with the values
// before and after, which attributes force a replacement and why.
//
// A Plan is data. Building one does no I/O; it can be rendered
// (plan/render), written to and read from a file (plan/planfile), and
// executed (package apply). Values are cty values so that "known after
// apply" (unknown) and sensitive attributes travel with them.
package plan

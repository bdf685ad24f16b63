// Package engine runs entraform's pipeline for the commands: refresh (the
// providers' bulk reads plus the local credential files), plan (package
// plan, no I/O), and apply (package apply), so that plan, apply, destroy,
// demo and the benchmarks all share one path.
package engine

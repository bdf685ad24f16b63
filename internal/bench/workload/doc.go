// Package workload writes the configurations the benchmarks plan and
// apply: N applications, each with a service principal, delegated
// consent, an application permission and a secret, plus N/10 site grants.
// It imports nothing of entraform, so the benchmarks of config, plan and
// plan/render can use the same configurations as the benchmark driver
// (internal/bench) without an import cycle.
package workload

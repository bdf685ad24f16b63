// Package bench is the benchmark driver behind `entraform bench` (issue 8,
// DESIGN section 8; the results are in docs/BENCHMARKS.md). For each
// latency and each size N it starts a fresh local tenant with that much
// latency injected per request (by default `entraform tenant serve` as a
// child process), writes the configuration of package workload (N
// applications with a service principal, delegated consent, an
// application permission and a secret; N/10 site grants), and measures,
// through the same engine the commands use:
//
//   - the plan on the empty workspace and the apply of everything
//     (apply.Result.Rounds, the apply's requests and wall time);
//   - a no-op plan and a plan with 1% of the applications renamed, each
//     with the bulk refresh and with the naive one-GET-per-object baseline
//     (entra.ReadNaive);
//   - the apply of the 1% changes.
//
// Requests come from the local tenant's request log, split into Graph and
// SharePoint requests and sign-in requests (identity platform). Every plan
// signs in afresh, as a command does. CPU time (getrusage, user + system,
// of this process) and peak heap (the high-water mark of runtime/metrics
// /memory/classes/heap/objects:bytes above the live heap at the start,
// sampled every 200µs) cover only the offline phases: parse + expand
// (config.Load), diff (plan.Build) and render (render.Plan), the smallest
// of Options.OfflineRepeats passes.
//
// The table is run only by the command (scripts/bench); the package test
// runs N=10 at zero latency, with the tenant in the test process and in a
// child process.
package bench

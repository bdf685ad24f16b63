// Package reliability holds entraform's reliability suites. It has no
// code of its own: everything is in its tests, which run the real
// entraform binary (built once per test run) as a subprocess against a
// local tenant started in the test process, behind a TLS proxy ("the
// wire") that sees every request and answer. The suites:
//
//   - faults_test.go: applies of 50 applications under throttling,
//     server errors and replication delay converge in one run, and the
//     next plan is empty (several fault seeds);
//   - crash_test.go: applies killed with SIGKILL at chosen requests
//     (before the tenant sees the request, or after it acted but before
//     the answer arrives), then run again, end with exactly the declared
//     tenant and secret files that work;
//   - concurrency_test.go: two applies of one workspace at once;
//   - secrets_test.go: every output, plan file, JSON and debug log of a
//     full apply is scanned for every secret and token that crossed the
//     wire; TLS verification cannot be turned off;
//   - malformed_test.go: a corpus of malformed configurations ends in
//     diagnostics with a location, never a panic.
//
// What is promised and the figures of real runs are in
// docs/RELIABILITY.md. Longer runs (more seeds, kill points and
// applications): go test ./internal/reliability -reliability.long.
package reliability

// Package wslock keeps two applies of one workspace from running at once
// on the same machine.
//
// entraform has no state file, so there is no state to lock: the lock is
// an advisory lock (flock) on a file in the user's cache directory, named
// after the tenant and the workspace. The operating system releases it
// when the process ends in any way, SIGKILL included, so a killed apply
// never leaves a stale lock behind. Applies on different machines are not
// serialised by it; docs/RELIABILITY.md says what happens then.
package wslock

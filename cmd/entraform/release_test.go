package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// TestReleaseLinksVersionAndCommit builds this platform's binary with
// scripts/release and runs its version command: it prints the version given
// to the script and the commit of the clone, not "dev".
func TestReleaseLinksVersionAndCommit(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH to build with")
	}
	goenv := func(key string) string {
		out, err := exec.Command("go", "env", key).Output()
		if err != nil {
			t.Fatalf("go env %s: %v", key, err)
		}
		return strings.TrimSpace(string(out))
	}
	out := t.TempDir()
	script := filepath.Join("..", "..", "scripts", "release")
	cmd := exec.Command(script, "-o", out, "v9.8.7-test", runtime.GOOS+"/"+runtime.GOARCH)
	// The flags of the test's own build, so that the script mostly links.
	cmd.Env = append(os.Environ(), "RELEASE_CGO="+goenv("CGO_ENABLED"), "RELEASE_TRIMPATH=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, b)
	}
	name := "entraform-v9.8.7-test-" + runtime.GOOS + "-" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^[0-9a-f]{64}  ` + regexp.QuoteMeta(name) + `$`).Match(sums) {
		t.Errorf("SHA256SUMS does not list %s:\n%s", name, sums)
	}

	var stdout bytes.Buffer
	run := exec.Command(filepath.Join(out, name), "version")
	run.Stdout = &stdout
	if err := run.Run(); err != nil {
		t.Fatalf("%s version: %v", name, err)
	}
	commit := "unknown"
	if head, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil {
		commit = strings.TrimSpace(string(head))
	}
	want := regexp.MustCompile(`^entraform v9\.8\.7-test\ncommit ` + regexp.QuoteMeta(commit) + `(-dirty)?\ngo\S+ ` + runtime.GOOS + "/" + runtime.GOARCH + "\n$")
	if !want.MatchString(stdout.String()) {
		t.Errorf("version printed:\n%s\nwant it to match %s", stdout.String(), want)
	}
}

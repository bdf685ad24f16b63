package reliability

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var (
	longRun   = flag.Bool("reliability.long", false, "run the long reliability suites (more fault seeds, kill points and applications)")
	runSeed   = flag.Int64("reliability.seed", 1, "seed of the kill points and other random choices of the suites")
	entraform string // the binary under test, built by TestMain
)

// TestMain builds the entraform binary once into a temporary directory;
// every suite runs it as a subprocess.
func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "entraform-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	entraform = filepath.Join(dir, "entraform")
	build := exec.Command("go", "build", "-o", entraform, "github.com/entraform/entraform/cmd/entraform")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building entraform: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

package cli

import (
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFileMode implements "filemode PATH MODE": PATH (not followed if a
// symlink) must have exactly these permission bits, e.g. 0600;
// "filemode symlink PATH" requires PATH to be a symlink.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode PATH MODE | filemode symlink PATH")
	}
	if args[0] == "symlink" {
		st, err := os.Lstat(ts.MkAbs(args[1]))
		ts.Check(err)
		if is := st.Mode()&os.ModeSymlink != 0; is == neg {
			ts.Fatalf("%s: symlink %v, want %v", args[1], is, !neg)
		}
		return
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	if err != nil {
		ts.Fatalf("filemode: bad mode %q", args[1])
	}
	st, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := uint64(st.Mode().Perm()); (got == want) == neg {
		ts.Fatalf("%s has mode %#o, want %s%#o", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdMkfifo implements "mkfifo PATH": creates a named pipe.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o600))
}

// cmdSleep implements "sleep DURATION" (Go syntax: 500ms, 2s).
func cmdSleep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: sleep DURATION")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	time.Sleep(d)
}

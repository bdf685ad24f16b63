package wslock

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMain lets the test binary act as a lock holder in a child process
// (WSLOCK_HOLD=path): it takes the lock, says so, and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("WSLOCK_HOLD"); path != "" {
		if _, err := Acquire(context.Background(), path, 0); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondAcquireRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locks", "ws.lock")
	a, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(context.Background(), path, 0)
	var busy *BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("second Acquire: %v; want a *BusyError", err)
	}
	if want := fmt.Sprintf("pid %d since ", os.Getpid()); !strings.HasPrefix(busy.Holder, want) {
		t.Errorf("holder %q; want it to start with %q", busy.Holder, want)
	}
	if !strings.HasPrefix(err.Error(), "another entraform process (pid ") || !strings.HasSuffix(err.Error(), ") holds the workspace lock") {
		t.Errorf("message %q", err)
	}
	if err := a.Release(); err != nil {
		t.Fatal(err)
	}
	b, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	b.Release()
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("lock directory: %v, mode %v; want 0700", err, st.Mode().Perm())
	}
}

func TestAcquireWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ws.lock")
	a, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { a.Release() })
	start := time.Now()
	b, err := Acquire(context.Background(), path, 10*time.Second)
	if err != nil {
		t.Fatalf("Acquire with a timeout: %v", err)
	}
	defer b.Release()
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("Acquire returned after %v, before the holder released", took)
	}

	start = time.Now()
	_, err = Acquire(context.Background(), path, 250*time.Millisecond)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Waited < 250*time.Millisecond || !strings.Contains(err.Error(), "still holds the workspace lock after") {
		t.Errorf("Acquire against a holder that stays: %v after %v; want a BusyError after 250ms", err, time.Since(start))
	}

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, err := Acquire(ctx, path, time.Minute); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire with a cancelled context: %v", err)
	}
}

// TestKilledHolderReleases: a holder killed with SIGKILL leaves no stale
// lock.
func TestKilledHolderReleases(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("flock only")
	}
	path := filepath.Join(t.TempDir(), "ws.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WSLOCK_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "held\n" {
		cmd.Process.Kill()
		t.Fatalf("child said %q", line)
	}
	if _, err := Acquire(context.Background(), path, 0); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Errorf("Acquire while the child holds the lock: %v; want busy naming pid %d", err, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	l, err := Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	l.Release()
}

func TestPath(t *testing.T) {
	a := Path("/d", "contoso.onmicrosoft.com", "prod")
	for _, other := range []string{Path("/d", "contoso.onmicrosoft.com", "test"), Path("/d", "fabrikam.onmicrosoft.com", "prod")} {
		if other == a {
			t.Errorf("two workspaces share the lock file %s", a)
		}
	}
	if b := Path("/d", "Contoso.onmicrosoft.com", "prod"); b != a {
		t.Errorf("tenant case changes the lock file: %s vs %s", a, b)
	}
	if p := Path("/d", "t", "../../etc/x y"); filepath.Dir(p) != "/d" || strings.ContainsAny(filepath.Base(p), "/ ") {
		t.Errorf("unsafe workspace name gave %s", p)
	}
}

func TestDir(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the table is for Linux")
	}
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HOME": "/home/u"}, "/home/u/.cache/entraform/locks"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "/c"}, "/c/entraform/locks"},
		{map[string]string{"HOME": "/home/u", "XDG_CACHE_HOME": "relative"}, "/home/u/.cache/entraform/locks"},
	}
	for _, tt := range tests {
		got, err := Dir(func(k string) string { return tt.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Dir(%v) (-want +got):\n%s", tt.env, diff)
		}
	}
	if _, err := Dir(func(string) string { return "" }); err == nil {
		t.Error("Dir without HOME: no error")
	}
}

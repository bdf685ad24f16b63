package wslock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
)

// pollInterval is how often a waiting Acquire tries again.
const pollInterval = 100 * time.Millisecond

// Lock is a held workspace lock.
type Lock struct {
	f *os.File
}

// BusyError reports that another process holds the lock.
type BusyError struct {
	// Holder describes the holder as it wrote itself into the lock file
	// ("pid 1234 since 2026-03-01T12:00:00Z"); empty if unknown.
	Holder string
	// Waited is how long Acquire waited before giving up.
	Waited time.Duration
}

func (e *BusyError) Error() string {
	holder := "another entraform process"
	if e.Holder != "" {
		holder += " (" + e.Holder + ")"
	}
	if e.Waited > 0 {
		return fmt.Sprintf("%s still holds the workspace lock after %s", holder, e.Waited.Round(time.Second))
	}
	return holder + " holds the workspace lock"
}

// Dir is the directory of the lock files: the user cache directory (as
// os.UserCacheDir finds it, through getenv) + /entraform/locks.
func Dir(getenv func(string) string) (string, error) {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			base = filepath.Join(home, "Library", "Caches")
		}
	default:
		base = getenv("XDG_CACHE_HOME")
		if base == "" || !filepath.IsAbs(base) {
			base = ""
			if home := getenv("HOME"); home != "" {
				base = filepath.Join(home, ".cache")
			}
		}
	}
	if base == "" {
		return "", errors.New("no user cache directory: HOME is not set")
	}
	return filepath.Join(base, "entraform", "locks"), nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Path is the lock file of a workspace of a tenant in dir.
func Path(dir, tenant, workspace string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(tenant) + "\x00" + workspace))
	name := unsafeChars.ReplaceAllString(workspace, "_")
	if len(name) > 40 {
		name = name[:40]
	}
	return filepath.Join(dir, name+"-"+hex.EncodeToString(sum[:8])+".lock")
}

// Acquire takes the lock file at path. When another process holds it,
// Acquire waits up to timeout (0: not at all) and then returns a
// *BusyError.
func Acquire(ctx context.Context, path string, timeout time.Duration) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating the lock directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the lock file: %w", err)
	}
	start := time.Now()
	for {
		held, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		if held {
			break
		}
		waited := time.Since(start)
		if waited >= timeout {
			holder, _ := os.ReadFile(path)
			f.Close()
			return nil, &BusyError{Holder: strings.TrimSpace(string(holder)), Waited: waitedIf(timeout, waited)}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(pollInterval, timeout-waited)):
		}
	}
	// Say who holds it, for the message of the next one.
	info := fmt.Sprintf("pid %d since %s", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	if f.Truncate(0) == nil {
		f.WriteAt([]byte(info+"\n"), 0)
	}
	return &Lock{f: f}, nil
}

func waitedIf(timeout, waited time.Duration) time.Duration {
	if timeout <= 0 {
		return 0
	}
	return waited
}

// Release gives the lock up. The file stays: removing it could let two
// processes lock two different files of the same name.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

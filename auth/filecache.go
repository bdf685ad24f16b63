package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// fileCache persists MSAL's user token cache (refresh tokens of device code
// sign-ins) in one file, mode 0600, in a directory of mode 0700. Writes are
// atomic (temporary file + rename).
type fileCache struct {
	path string
	// warn receives one line when the cache cannot be written; sign-in
	// goes on without persistence rather than failing.
	warn   io.Writer
	mu     sync.Mutex
	warned bool
}

var _ cache.ExportReplace = (*fileCache)(nil)

func newFileCache(dir string, warn io.Writer) (*fileCache, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("finding the user cache directory: %w", err)
		}
		dir = filepath.Join(base, "entraform")
	}
	if warn == nil {
		warn = io.Discard
	}
	return &fileCache{path: filepath.Join(dir, "msal-token-cache.json"), warn: warn}, nil
}

// Replace loads the file into MSAL's cache; a missing file is an empty cache.
func (f *fileCache) Replace(_ context.Context, c cache.Unmarshaler, _ cache.ReplaceHints) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading token cache: %w", err)
	}
	if err := c.Unmarshal(data); err != nil {
		// A corrupt cache only costs a new sign-in.
		return nil
	}
	return nil
}

// Export writes MSAL's cache to the file. A failure is reported once on
// the warning writer and otherwise ignored: the sign-in itself succeeded.
func (f *fileCache) Export(_ context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.export(c); err != nil && !f.warned {
		f.warned = true
		fmt.Fprintf(f.warn, "Warning: the sign-in will not be remembered: %v\n", err)
	}
	return nil
}

func (f *fileCache) export(c cache.Marshaler) error {
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("encoding token cache: %w", err)
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating token cache directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".msal-token-cache-*")
	if err != nil {
		return fmt.Errorf("writing token cache: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing token cache: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing token cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing token cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("writing token cache: %w", err)
	}
	return nil
}

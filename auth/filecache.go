package auth

import (
	"context"
	"errors"
	"fmt"
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
	mu   sync.Mutex
}

var _ cache.ExportReplace = (*fileCache)(nil)

func newFileCache(dir string) (*fileCache, error) {
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("finding the user cache directory: %w", err)
		}
		dir = filepath.Join(base, "entraform")
	}
	return &fileCache{path: filepath.Join(dir, "msal-token-cache.json")}, nil
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

// Export writes MSAL's cache to the file.
func (f *fileCache) Export(_ context.Context, c cache.Marshaler, _ cache.ExportHints) error {
	data, err := c.Marshal()
	if err != nil {
		return fmt.Errorf("encoding token cache: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
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

package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

type blob struct{ data []byte }

func (b *blob) Marshal() ([]byte, error) { return b.data, nil }
func (b *blob) Unmarshal(d []byte) error { b.data = append([]byte(nil), d...); return nil }

func TestFileCacheRoundTripAndMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "entraform")
	fc, err := newFileCache(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var empty blob
	if err := fc.Replace(ctx, &empty, cache.ReplaceHints{}); err != nil || empty.data != nil {
		t.Fatalf("Replace before any Export = %q, %v; want empty", empty.data, err)
	}
	if err := fc.Export(ctx, &blob{data: []byte(`{"RefreshToken":{}}`)}, cache.ExportHints{}); err != nil {
		t.Fatal(err)
	}
	var got blob
	if err := fc.Replace(ctx, &got, cache.ReplaceHints{}); err != nil {
		t.Fatal(err)
	}
	if string(got.data) != `{"RefreshToken":{}}` {
		t.Errorf("read back %q", got.data)
	}
	fi, err := os.Stat(fc.path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file mode %v; want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(dir)
	if di.Mode().Perm() != 0o700 {
		t.Errorf("cache dir mode %v; want 0700", di.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("cache dir holds %d files; want 1 (no temporary left)", len(entries))
	}
}

func TestFileCacheWriteFailureOnlyWarns(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var warn strings.Builder
	fc, err := newFileCache(filepath.Join(blocker, "entraform"), &warn) // a directory under a file
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if err := fc.Export(context.Background(), &blob{data: []byte("{}")}, cache.ExportHints{}); err != nil {
			t.Fatalf("Export = %v; want nil (persistence is best effort)", err)
		}
	}
	if got := strings.Count(warn.String(), "Warning: the sign-in will not be remembered"); got != 1 {
		t.Errorf("warnings:\n%s\nwant exactly one", warn.String())
	}
}

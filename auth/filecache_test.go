package auth

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

type blob struct{ data []byte }

func (b *blob) Marshal() ([]byte, error) { return b.data, nil }
func (b *blob) Unmarshal(d []byte) error { b.data = append([]byte(nil), d...); return nil }

func TestFileCacheRoundTripAndMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "entraform")
	fc, err := newFileCache(dir)
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

package apply

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGenerateAndReadKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "app.pem")
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	made, err := GenerateKeyFile(path, "App (ci)", now, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	read, err := ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if read.Thumbprint != made.Thumbprint || len(read.Thumbprint) != 40 || strings.ToUpper(read.Thumbprint) != read.Thumbprint {
		t.Errorf("thumbprints: made %q, read %q (want 40 upper-case hex digits, equal)", made.Thumbprint, read.Thumbprint)
	}
	if got := read.Certificate.NotAfter; !got.Equal(now.Add(365 * 24 * time.Hour)) {
		t.Errorf("certificate ends %v", got)
	}
	if read.Certificate.Subject.CommonName != "App (ci)" {
		t.Errorf("subject %q", read.Certificate.Subject.CommonName)
	}
}

func TestReadKeyFileRefusesHalfFiles(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.pem")
	if _, err := GenerateKeyFile(full, "x", time.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(full)
	keyOnly := data[:strings.Index(string(data), "-----BEGIN CERTIFICATE-----")]
	certOnly := data[strings.Index(string(data), "-----BEGIN CERTIFICATE-----"):]
	for name, content := range map[string][]byte{"key only": keyOnly, "certificate only": certOnly, "garbage": []byte("not pem")} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		os.WriteFile(p, content, 0o600)
		if _, err := ReadKeyFile(p); err == nil {
			t.Errorf("%s: read without an error", name)
		}
	}
}

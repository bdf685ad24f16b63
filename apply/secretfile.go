package apply

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
)

// Keys of a secret file. The first three are what Azure SDKs and the
// app's own code read (DefaultAzureCredential's environment names); the
// key id lets entraform tell which secret the file holds.
const (
	envTenantID = "AZURE_TENANT_ID"
	envClientID = "AZURE_CLIENT_ID"
	envSecret   = "AZURE_CLIENT_SECRET"
	envKeyID    = "ENTRAFORM_SECRET_KEY_ID"
	envExpires  = "ENTRAFORM_SECRET_EXPIRES"
)

// SecretFile is the content of a write_to file.
type SecretFile struct {
	TenantID string
	ClientID string
	Secret   string
	KeyID    string
	Expires  time.Time
}

// ReadSecretFile reads a dotenv secret file. A missing file is reported
// with an error satisfying errors.Is(err, fs.ErrNotExist).
func ReadSecretFile(path string) (SecretFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SecretFile{}, err
	}
	var f SecretFile
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.TrimSpace(strings.TrimPrefix(k, "export ")) {
		case envTenantID:
			f.TenantID = v
		case envClientID:
			f.ClientID = v
		case envSecret:
			f.Secret = v
		case envKeyID:
			f.KeyID = v
		case envExpires:
			f.Expires, _ = time.Parse(time.RFC3339, v)
		}
	}
	return f, sc.Err()
}

// WriteSecretFile writes the file atomically with mode 0600, creating its
// directory with mode 0700 when missing. The value never exists on disk
// with wider permissions, even for a moment.
func WriteSecretFile(path, comment string, f SecretFile) error {
	var b strings.Builder
	if comment != "" {
		fmt.Fprintf(&b, "# %s\n", comment)
	}
	fmt.Fprintf(&b, "%s=%s\n%s=%s\n%s=%s\n%s=%s\n", envTenantID, f.TenantID, envClientID, f.ClientID, envSecret, f.Secret, envKeyID, f.KeyID)
	if !f.Expires.IsZero() {
		fmt.Fprintf(&b, "%s=%s\n", envExpires, f.Expires.UTC().Format(time.RFC3339))
	}
	return writePrivate(path, []byte(b.String()))
}

// ForeignFileError says that a secret or key file's path holds a file
// entraform did not write, which it refuses to replace.
type ForeignFileError struct {
	Path string // as the configuration writes it
	Why  string
}

func (e *ForeignFileError) Error() string {
	return fmt.Sprintf("%s exists and is not a file entraform wrote (%s); entraform does not overwrite it: move it away (mv %s %s.orig) or choose another path",
		e.Path, e.Why, e.Path, e.Path)
}

// CheckSecretFileOwned returns nil when full (shown as name) does not
// exist or is a secret file entraform wrote (it names a key id), and a
// *ForeignFileError otherwise.
func CheckSecretFileOwned(full, name string) error {
	st, err := os.Lstat(full)
	if err != nil {
		return nil // missing (or unreadable: the write says why)
	}
	if !st.Mode().IsRegular() {
		return &ForeignFileError{Path: name, Why: "it is not a regular file"}
	}
	f, err := ReadSecretFile(full)
	if err != nil || f.KeyID == "" {
		return &ForeignFileError{Path: name, Why: "it has no " + envKeyID + " line"}
	}
	return nil
}

// CheckKeyFileOwned returns nil when full (shown as name) does not exist
// or is a key file entraform could have written (a PEM private key and
// certificate), and a *ForeignFileError otherwise.
func CheckKeyFileOwned(full, name string) error {
	st, err := os.Lstat(full)
	if err != nil {
		return nil
	}
	if !st.Mode().IsRegular() {
		return &ForeignFileError{Path: name, Why: "it is not a regular file"}
	}
	if _, err := ReadKeyFile(full); err != nil {
		return &ForeignFileError{Path: name, Why: "it is not a PEM private key with its certificate"}
	}
	return nil
}

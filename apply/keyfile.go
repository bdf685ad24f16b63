package apply

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// KeyFile is a certificate credential's local file: a PEM private key and
// the self-signed certificate whose public part is uploaded.
type KeyFile struct {
	Certificate *x509.Certificate
	// Thumbprint is the SHA-1 of the certificate, upper-case hex, as
	// Entra's customKeyIdentifier shows it.
	Thumbprint string
}

// ReadKeyFile reads the certificate from a key file (a PEM file holding a
// private key and a certificate).
func ReadKeyFile(path string) (KeyFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return KeyFile{}, err
	}
	var cert *x509.Certificate
	hasKey := false
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		switch {
		case block.Type == "CERTIFICATE" && cert == nil:
			if cert, err = x509.ParseCertificate(block.Bytes); err != nil {
				return KeyFile{}, fmt.Errorf("%s: certificate: %w", path, err)
			}
		case strings.HasSuffix(block.Type, "PRIVATE KEY"):
			hasKey = true
		}
	}
	if cert == nil {
		return KeyFile{}, fmt.Errorf("%s: no PEM certificate in the file", path)
	}
	if !hasKey {
		return KeyFile{}, fmt.Errorf("%s: no PEM private key in the file", path)
	}
	return KeyFile{Certificate: cert, Thumbprint: Thumbprint(cert.Raw)}, nil
}

// Thumbprint is the SHA-1 hash of a DER certificate in upper-case hex.
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// GenerateKeyFile creates an RSA key and a self-signed certificate valid
// from now for validFor, and writes both to path (mode 0600, atomically).
func GenerateKeyFile(path, subject string, now time.Time, validFor time.Duration) (KeyFile, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return KeyFile{}, fmt.Errorf("generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		return KeyFile{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: subject},
		NotBefore:    now.Add(-5 * time.Minute),
		NotAfter:     now.Add(validFor),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return KeyFile{}, fmt.Errorf("creating certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return KeyFile{}, err
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	if err := writePrivate(path, data); err != nil {
		return KeyFile{}, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return KeyFile{}, err
	}
	return KeyFile{Certificate: cert, Thumbprint: Thumbprint(der)}, nil
}

// writePrivate writes data to path with mode 0600 through a temporary
// file and a rename.
func writePrivate(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".entraform-key-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	err = errors.Join(tmp.Chmod(0o600), write(tmp, data), tmp.Sync(), tmp.Close())
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

func write(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}

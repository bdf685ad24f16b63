package auth_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"github.com/entraform/entraform/auth"
)

// newTestCert makes a self-signed certificate for key.
func newTestCert(t *testing.T, key any, pub any) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "entraform test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

var testRSAKey *rsa.PrivateKey

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	if testRSAKey == nil {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testRSAKey = k
	}
	return testRSAKey
}

// writeTestCertPEM writes a certificate of rsaKey + its PKCS#8 key to a
// PEM file and returns its path.
func writeTestCertPEM(t *testing.T) string {
	t.Helper()
	key := rsaKey(t)
	return writeCertPEM(t, t.TempDir(), newTestCert(t, key, &key.PublicKey), key)
}

// writeCertPEM writes cert + key (PKCS#8) to dir/cert.pem and returns
// its path.
func writeCertPEM(t *testing.T, dir string, cert *x509.Certificate, key *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	path := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCertificate(t *testing.T) {
	dir := t.TempDir()
	key := rsaKey(t)
	cert := newTestCert(t, key, &key.PublicKey)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	pfx, err := pkcs12.Modern.Encode(key, cert, nil, "pfx-pass")
	if err != nil {
		t.Fatal(err)
	}
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecCert := newTestCert(t, ecKey, &ecKey.PublicKey)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ecKey)

	tests := []struct {
		name, path, password string
		wantErr              string // "" = success
	}{
		{name: "PEM with PKCS#8 key", path: writeTestCertPEM(t)},
		{name: "PEM with PKCS#1 key, key first", path: write("pkcs1.pem", append(append([]byte{}, pkcs1...), certPEM...))},
		{name: "PFX with password", path: write("c.pfx", pfx), password: "pfx-pass"},
		{name: "PFX with wrong password", path: write("c2.pfx", pfx), password: "nope", wantErr: "wrong PFX password (AZURE_CLIENT_CERTIFICATE_PASSWORD)"},
		{name: "PEM without key", path: write("nokey.pem", certPEM), wantErr: "no private key block"},
		{name: "PEM without certificate", path: write("nocert.pem", pkcs1), wantErr: "no CERTIFICATE block"},
		{name: "encrypted key", path: write("enc.pem", append(append([]byte{}, certPEM...), pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}})...)), wantErr: "the private key is encrypted"},
		{name: "EC key", path: write("ec.pem", append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ecCert.Raw}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})...)), wantErr: "need an RSA key"},
		{name: "garbage", path: write("garbage.bin", []byte{0, 1, 2}), wantErr: "reading it as PFX failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certs, key, err := auth.LoadCertificate(tt.path, tt.password)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v; want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rk, ok := key.(*rsa.PrivateKey)
			if len(certs) == 0 || !ok || !rk.PublicKey.Equal(certs[0].PublicKey) {
				t.Errorf("loaded key (%T) does not match the loaded certificate", key)
			}
			if _, err := auth.NewCertificateClient(auth.App{TenantID: "t", ClientID: "c"}, certs, key); err != nil {
				t.Errorf("NewCertificateClient with the loaded pair: %v", err)
			}
		})
	}
}

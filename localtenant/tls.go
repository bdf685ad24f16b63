package localtenant

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The host names the server certificate covers: every host the emulated
// clouds use, plus the loopback names.
var certHosts = []string{
	"login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn",
	"graph.microsoft.com", "graph.microsoft.us", "microsoftgraph.chinacloudapi.cn",
	"*.sharepoint.com", "*.sharepoint.us", "*.sharepoint.cn",
	"token.actions.githubusercontent.com",
	"management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn",
	"localhost",
}

// keyPair is a certificate with its private key. The CA and the TLS
// certificate use ECDSA P-256 (fast to generate, so a server starts in
// milliseconds); token signing keys and test certificates are RSA, as
// RS256 and the identity platform need, and also set key.
type keyPair struct {
	cert   *x509.Certificate
	der    []byte
	signer crypto.Signer
	key    *rsa.PrivateKey // nil for ECDSA pairs
}

func newKeyPair(cert *x509.Certificate, der []byte, signer crypto.Signer) *keyPair {
	kp := &keyPair{cert: cert, der: der, signer: signer}
	kp.key, _ = signer.(*rsa.PrivateKey)
	return kp
}

func (k *keyPair) certPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.der})
}

func (k *keyPair) keyPEM() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.signer)
	if err != nil {
		return nil, fmt.Errorf("encoding key of %s: %w", k.cert.Subject.CommonName, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(fmt.Sprintf("localtenant: serial number: %v", err))
	}
	return n
}

// newCA makes a self-signed ECDSA CA valid for ten years.
func newCA(now time.Time, name string) (*keyPair, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "entraform local tenant CA (" + name + ")", Organization: []string{"entraform"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	return signCert(tmpl, key, tmpl, key)
}

// newLeaf makes a certificate signed by ca. hosts become DNS or IP SANs
// of an ECDSA TLS certificate; with no hosts it is an RSA signing
// certificate (token keys, application certificates in tests).
func newLeaf(now time.Time, ca *keyPair, cn string, hosts []string) (*keyPair, error) {
	var key crypto.Signer
	var err error
	if len(hosts) > 0 {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return nil, fmt.Errorf("generating key for %s: %w", cn, err)
	}
	return newLeafWithKey(now, ca, cn, hosts, key)
}

// newLeafWithKey is newLeaf for an existing key.
func newLeafWithKey(now time.Time, ca *keyPair, cn string, hosts []string, key crypto.Signer) (*keyPair, error) {
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"entraform"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(2, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	if len(hosts) > 0 {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		for _, h := range hosts {
			if ip := net.ParseIP(h); ip != nil {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			} else {
				tmpl.DNSNames = append(tmpl.DNSNames, h)
			}
		}
	}
	return signCert(tmpl, key, ca.cert, ca.signer)
}

func signCert(tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) (*keyPair, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("creating certificate %s: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate %s: %w", tmpl.Subject.CommonName, err)
	}
	return newKeyPair(cert, der, key), nil
}

// processTokenKeys are the RSA keys that servers without a DataDir sign
// tokens with: [0] the tenant's token key, [1] the GitHub Actions key.
// RSA key generation takes from 0.1 s to seconds on a busy machine, and
// tests start dozens of tenants, so each key is generated once per
// process, on first use, and never changes afterwards. Every server
// still has its own CA, TLS certificate and tenant id; a server with a
// DataDir generates and keeps its own keys.
var processTokenKeys = [2]func() (*rsa.PrivateKey, error){
	sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
	sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) }),
}

// signingLeaf makes a token signing certificate: with a DataDir (dir !=
// "") a fresh key, else process key i.
func signingLeaf(now time.Time, ca *keyPair, cn, dir string, i int) (*keyPair, error) {
	if dir != "" {
		return newLeaf(now, ca, cn, nil)
	}
	key, err := processTokenKeys[i]()
	if err != nil {
		return nil, fmt.Errorf("generating key for %s: %w", cn, err)
	}
	return newLeafWithKey(now, ca, cn, nil, key)
}

// loadOrCreate reads name.pem and name-key.pem from dir, or makes the pair
// with create and writes it there. With dir "" it only creates.
func loadOrCreate(dir, name string, create func() (*keyPair, error)) (*keyPair, error) {
	if dir != "" {
		kp, err := readKeyPair(filepath.Join(dir, name+".pem"), filepath.Join(dir, name+"-key.pem"))
		if err == nil {
			return kp, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	kp, err := create()
	if err != nil {
		return nil, err
	}
	if dir != "" {
		keyPEM, err := kp.keyPEM()
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, name+"-key.pem"), keyPEM, 0o600); err != nil {
			return nil, err
		}
		if err := writeFileAtomic(filepath.Join(dir, name+".pem"), kp.certPEM(), 0o644); err != nil {
			return nil, err
		}
	}
	return kp, nil
}

func readKeyPair(certFile, keyFile string) (*keyPair, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, fmt.Errorf("reading %s: not PEM", certFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", certFile, err)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", keyFile, err)
	}
	key, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("parsing %s: not a signing key", keyFile)
	}
	return newKeyPair(cert, cb.Bytes, key), nil
}

// serverTLS is the listener's TLS configuration: one certificate for all
// emulated host names.
func serverTLS(leaf, ca *keyPair) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		Certificates: []tls.Certificate{{
			Certificate: [][]byte{leaf.der, ca.der},
			PrivateKey:  leaf.signer,
			Leaf:        leaf.cert,
		}},
	}
}

// writeFileAtomic writes through a temporary file and a rename, so a
// reader never sees half a file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, perm)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}

package endpointtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/entraform/entraform/endpoint"
)

// DefaultNames are the host names the server certificate covers when
// NewServer is given none.
func DefaultNames() []string {
	return []string{
		"graph.microsoft.com", "graph.microsoft.us", "microsoftgraph.chinacloudapi.cn",
		"*.sharepoint.com", "*.sharepoint.us", "*.sharepoint.cn",
		"login.microsoftonline.com", "token.actions.githubusercontent.com", "example.org",
	}
}

// Server is a started HTTPS server with its CA.
type Server struct {
	*httptest.Server
	// CAFile is a PEM file of the CA that issued the server certificate.
	CAFile string
	// CAPEM is that CA certificate.
	CAPEM []byte
}

// NewServer starts h on an HTTPS server whose certificate names the given
// hosts (DefaultNames when none). It is closed when the test ends.
func NewServer(t testing.TB, h http.Handler, names ...string) *Server {
	t.Helper()
	if len(names) == 0 {
		names = DefaultNames()
	}
	caPEM, leaf := Issue(t, names...)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{leaf}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return &Server{Server: srv, CAFile: caFile, CAPEM: caPEM}
}

// Getenv returns the environment that points endpoint.Transport at the
// server: ENTRAFORM_ENDPOINT and ENTRAFORM_CA_FILE, plus extra pairs.
func (s *Server) Getenv(extra ...string) func(string) string {
	env := map[string]string{endpoint.EnvEndpoint: s.URL, endpoint.EnvCAFile: s.CAFile}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return func(k string) string { return env[k] }
}

// Client is an http.Client on endpoint.Transport pointed at the server.
func (s *Server) Client(t testing.TB) *http.Client {
	t.Helper()
	c, err := endpoint.NewHTTPClient(s.Getenv())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Issue creates a throwaway CA and a server certificate it signs for
// names and 127.0.0.1, for tests that run servers of their own: the CA
// certificate in PEM and the server's certificate with its key.
func Issue(t testing.TB, names ...string) ([]byte, tls.Certificate) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "entraform test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     names,
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return caPEM, tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}
}

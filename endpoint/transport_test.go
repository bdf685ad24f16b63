package endpoint_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/endpoint/endpointtest"
)

// testCA is a throwaway CA with a server certificate for the given names.
type testCA struct {
	caPEM  []byte
	leaf   tls.Certificate
	caFile string
}

func newTestCA(t *testing.T, names ...string) *testCA {
	t.Helper()
	caPEM, leaf := endpointtest.Issue(t, names...)
	ca := &testCA{caPEM: caPEM, leaf: leaf, caFile: filepath.Join(t.TempDir(), "ca.pem")}
	if err := os.WriteFile(ca.caFile, ca.caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return ca
}

// hit records what the server saw of one request.
type hit struct {
	Host, SNI, Path string
}

func startServer(t *testing.T, ca *testCA) (*httptest.Server, chan hit) {
	t.Helper()
	hits := make(chan hit, 16)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits <- hit{Host: r.Host, SNI: r.TLS.ServerName, Path: r.URL.Path}
		io.WriteString(w, "ok")
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.leaf}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, hits
}

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func get(t *testing.T, c *http.Client, url string) error {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != 200 {
		return errors.New(resp.Status)
	}
	return nil
}

func TestTransportDialsEndpointForNamedHosts(t *testing.T) {
	names := []string{"graph.microsoft.com", "login.microsoftonline.us", "contoso.sharepoint.com", "token.actions.githubusercontent.com"}
	ca := newTestCA(t, names...)
	srv, hits := startServer(t, ca)
	client, err := endpoint.NewHTTPClient(envOf(map[string]string{
		endpoint.EnvEndpoint: srv.URL,
		endpoint.EnvCAFile:   ca.caFile,
		// A proxy must not be used while the endpoint redirects.
		"HTTPS_PROXY": "http://127.0.0.1:1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := get(t, client, "https://"+name+"/v1.0/probe"); err != nil {
			t.Fatalf("GET https://%s: %v", name, err)
		}
		got := <-hits
		want := hit{Host: name, SNI: name, Path: "/v1.0/probe"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("request to %s (-want +got):\n%s", name, diff)
		}
	}
}

func TestTransportVerifiesCertificates(t *testing.T) {
	ca := newTestCA(t, "graph.microsoft.com")
	srv, _ := startServer(t, ca)

	t.Run("without the CA file the server is not trusted", func(t *testing.T) {
		client, err := endpoint.NewHTTPClient(envOf(map[string]string{endpoint.EnvEndpoint: srv.URL}))
		if err != nil {
			t.Fatal(err)
		}
		err = get(t, client, "https://graph.microsoft.com/v1.0/me")
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("GET without CA: %v; want an unknown authority error", err)
		}
	})
	t.Run("a name outside the certificate is refused", func(t *testing.T) {
		client, err := endpoint.NewHTTPClient(envOf(map[string]string{endpoint.EnvEndpoint: srv.URL, endpoint.EnvCAFile: ca.caFile}))
		if err != nil {
			t.Fatal(err)
		}
		err = get(t, client, "https://login.microsoftonline.com/common")
		var mismatch x509.HostnameError
		if !errors.As(err, &mismatch) {
			t.Errorf("GET of a host the certificate does not name: %v; want a hostname error", err)
		}
	})
	t.Run("InsecureSkipVerify is never set", func(t *testing.T) {
		tr, err := endpoint.Transport(envOf(map[string]string{endpoint.EnvEndpoint: srv.URL, endpoint.EnvCAFile: ca.caFile}))
		if err != nil {
			t.Fatal(err)
		}
		if tr.TLSClientConfig == nil || tr.TLSClientConfig.InsecureSkipVerify {
			t.Errorf("TLS config %+v skips verification", tr.TLSClientConfig)
		}
	})
}

func TestTransportDialsIPLiteralsAsWritten(t *testing.T) {
	ca := newTestCA(t, "graph.microsoft.com")
	endpointSrv, endpointHits := startServer(t, ca)
	other, otherHits := startServer(t, ca)
	client, err := endpoint.NewHTTPClient(envOf(map[string]string{endpoint.EnvEndpoint: endpointSrv.URL, endpoint.EnvCAFile: ca.caFile}))
	if err != nil {
		t.Fatal(err)
	}
	if err := get(t, client, other.URL+"/direct"); err != nil {
		t.Fatal(err)
	}
	select {
	case h := <-otherHits:
		if h.Path != "/direct" {
			t.Errorf("other server saw %+v", h)
		}
	case h := <-endpointHits:
		t.Errorf("IP literal was redirected to the endpoint: %+v", h)
	}
}

func TestRedirect(t *testing.T) {
	const target = "127.0.0.1:9443"
	tests := []struct{ address, want string }{
		{"graph.microsoft.com:443", target},
		{"contoso.sharepoint.com:443", target},
		{"login.microsoftonline.com:8443", target},
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"[::1]:8080", "[::1]:8080"},
		{"localhost:5555", "localhost:5555"},
		{"LOCALHOST:5555", "LOCALHOST:5555"},
	}
	for _, tt := range tests {
		if got := endpoint.Redirect(tt.address, target); got != tt.want {
			t.Errorf("Redirect(%q) = %q; want %q", tt.address, got, tt.want)
		}
	}
}

func TestTransportErrors(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		want []string // substrings of the error
	}{
		{"http scheme", map[string]string{endpoint.EnvEndpoint: "http://127.0.0.1:8443"}, []string{"ENTRAFORM_ENDPOINT", "must be https"}},
		{"no scheme", map[string]string{endpoint.EnvEndpoint: "127.0.0.1:8443"}, []string{"ENTRAFORM_ENDPOINT", "https://HOST:PORT"}},
		{"no host", map[string]string{endpoint.EnvEndpoint: "https://"}, []string{"ENTRAFORM_ENDPOINT", "no host"}},
		{"path", map[string]string{endpoint.EnvEndpoint: "https://127.0.0.1:8443/v1.0"}, []string{"ENTRAFORM_ENDPOINT", "only a scheme, host and port"}},
		{"missing CA file", map[string]string{endpoint.EnvCAFile: filepath.Join(dir, "absent.pem")}, []string{"ENTRAFORM_CA_FILE", "reading CA file", "no such file"}},
		{"CA file without certificates", map[string]string{endpoint.EnvCAFile: notPEM}, []string{"ENTRAFORM_CA_FILE", "holds no PEM certificate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := endpoint.Transport(envOf(tt.env))
			if err == nil {
				t.Fatal("Transport succeeded; want an error")
			}
			for _, s := range tt.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestTransportWithoutEndpointKeepsDefaultDialer(t *testing.T) {
	tr, err := endpoint.Transport(nil)
	if err != nil {
		t.Fatal(err)
	}
	if tr.TLSClientConfig.RootCAs != nil {
		t.Errorf("RootCAs set without ENTRAFORM_CA_FILE; want the system roots")
	}
	if tr.Proxy == nil {
		t.Errorf("no proxy function without ENTRAFORM_ENDPOINT")
	}
}

func TestTransportProxyFromGetenv(t *testing.T) {
	tr, err := endpoint.Transport(envOf(map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "login.microsoftonline.com"}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ url, want string }{
		{"https://graph.microsoft.com/v1.0/me", "http://proxy.corp:3128"},
		{"https://login.microsoftonline.com/common", ""},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodGet, tt.url, nil)
		u, err := tr.Proxy(req)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if u != nil {
			got = u.String()
		}
		if got != tt.want {
			t.Errorf("proxy for %s = %q; want %q", tt.url, got, tt.want)
		}
	}
	tr, err = endpoint.Transport(envOf(map[string]string{"HTTPS_PROXY": "http://proxy.corp:3128", endpoint.EnvEndpoint: "https://127.0.0.1:8443"}))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Proxy != nil {
		t.Error("a proxy is used while ENTRAFORM_ENDPOINT redirects")
	}
}

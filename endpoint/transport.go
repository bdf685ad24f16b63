package endpoint

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// Environment variables read by Transport.
const (
	// EnvEndpoint redirects every named host to one address,
	// https://127.0.0.1:PORT (the local tenant).
	EnvEndpoint = "ENTRAFORM_ENDPOINT"
	// EnvCAFile names a PEM file of CA certificates trusted in addition to
	// the system roots.
	EnvCAFile = "ENTRAFORM_CA_FILE"
)

// Transport returns a clone of http.DefaultTransport configured from the
// environment (looked up through getenv):
//
//   - ENTRAFORM_ENDPOINT=https://HOST:PORT: every connection to a named host
//     (login.microsoftonline.com, graph.microsoft.com, contoso.sharepoint.com,
//     token.actions.githubusercontent.com, ...) dials HOST:PORT instead.
//     The request keeps its URL, its Host header and its TLS server name, so
//     the server must present a certificate for the real name. IP literals
//     and localhost are dialed as written. Proxies are not used then.
//   - ENTRAFORM_CA_FILE=PATH: the PEM certificates in PATH are trusted in
//     addition to the system roots.
//   - HTTPS_PROXY, HTTP_PROXY, NO_PROXY (and lower-case forms): proxies, as
//     Go's standard library reads them.
//
// TLS certificate verification is always on.
func Transport(getenv func(string) string) (*http.Transport, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}

	if path := getenv(EnvCAFile); path != "" {
		pool, err := rootsWithCAFile(path)
		if err != nil {
			return nil, err
		}
		t.TLSClientConfig.RootCAs = pool
	}

	proxy := (&httpproxy.Config{
		HTTPProxy:  firstNonEmpty(getenv("HTTP_PROXY"), getenv("http_proxy")),
		HTTPSProxy: firstNonEmpty(getenv("HTTPS_PROXY"), getenv("https_proxy")),
		NoProxy:    firstNonEmpty(getenv("NO_PROXY"), getenv("no_proxy")),
	}).ProxyFunc()
	t.Proxy = func(r *http.Request) (*url.URL, error) { return proxy(r.URL) }

	if raw := getenv(EnvEndpoint); raw != "" {
		target, err := parseEndpoint(raw)
		if err != nil {
			return nil, err
		}
		dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		t.Proxy = nil
		t.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, Redirect(address, target))
		}
	}
	return t, nil
}

// NewHTTPClient is an http.Client on Transport(getenv).
func NewHTTPClient(getenv func(string) string) (*http.Client, error) {
	t, err := Transport(getenv)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: t}, nil
}

// Redirect is the address Transport dials for address ("host:port") when
// the endpoint is target ("host:port"): target for a named host, address
// itself for an IP literal or localhost.
func Redirect(address, target string) string {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		host = address
	}
	if net.ParseIP(host) != nil || strings.EqualFold(host, "localhost") {
		return address
	}
	return target
}

// parseEndpoint validates ENTRAFORM_ENDPOINT and returns the host:port to dial.
func parseEndpoint(raw string) (string, error) {
	bad := func(why string) error {
		return fmt.Errorf("%s=%q: %s (want https://HOST:PORT, for example https://127.0.0.1:8443)", EnvEndpoint, raw, why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", bad("not a URL")
	}
	if u.Scheme != "https" {
		return "", bad("the scheme must be https")
	}
	if u.Hostname() == "" {
		return "", bad("no host")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", bad("only a scheme, host and port are allowed")
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}

// rootsWithCAFile is the system root pool plus the certificates in path.
func rootsWithCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: reading CA file: %w", EnvCAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: %s holds no PEM certificate", EnvCAFile, path)
	}
	return pool, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

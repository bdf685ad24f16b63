package reliability

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"maps"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// stage is where in a request the wire calls its hook.
type stage int

const (
	// beforeTenant: the request arrived; the tenant has not seen it.
	beforeTenant stage = iota
	// afterTenant: the tenant answered (and acted); the answer has not
	// been passed on.
	afterTenant
)

func (s stage) String() string {
	if s == beforeTenant {
		return "before"
	}
	return "after"
}

// hookFunc sees request n (1-based, counted over every host) and its body
// at a stage;
// returning true drops the request there: it never reaches the tenant
// (beforeTenant) or its answer never reaches the client (afterTenant).
type hookFunc func(n int64, st stage, r *http.Request, body []byte) bool

// wire is a TLS proxy in front of the local tenant. entraform is pointed
// at it (ENTRAFORM_ENDPOINT, ENTRAFORM_CA_FILE with the wire's own CA),
// and it passes every request on to the tenant unchanged. On the way it
// counts requests, lets a test act at a chosen one (kill the client), and
// collects every secret that crosses it: bearer tokens, client secrets
// and assertions, tokens in token answers, secretText of new passwords.
type wire struct {
	ln       net.Listener
	srv      *http.Server
	caFile   string
	ca       *x509.Certificate
	caKey    *ecdsa.PrivateKey
	upstream http.RoundTripper

	mu    sync.Mutex
	certs map[string]*tls.Certificate

	count atomic.Int64
	hook  atomic.Pointer[hookFunc]

	secretsMu sync.Mutex
	secrets   map[string]string // value -> what it is
}

// newWire starts a proxy that forwards to upstream (the tenant's client
// transport, which dials the tenant for every host name).
func newWire(t *testing.T, upstream http.RoundTripper) *wire {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "entraform reliability wire CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	w := &wire{ca: ca, caKey: key, upstream: upstream, certs: map[string]*tls.Certificate{}, secrets: map[string]string{}}
	w.caFile = filepath.Join(t.TempDir(), "wire-ca.pem")
	if err := os.WriteFile(w.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	w.ln, err = net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.srv = &http.Server{
		Handler:   w,
		TLSConfig: &tls.Config{GetCertificate: w.certificate, NextProtos: []string{"h2", "http/1.1"}},
		ErrorLog:  log.New(io.Discard, "", 0), // refused handshakes are the point of some tests
	}
	go w.srv.ServeTLS(w.ln, "", "")
	t.Cleanup(func() { w.srv.Close() })
	return w
}

// Endpoint is the value of ENTRAFORM_ENDPOINT that points at the wire.
func (w *wire) Endpoint() string { return "https://" + w.ln.Addr().String() }

// setHook installs (or, with nil, removes) the hook.
func (w *wire) setHook(h hookFunc) {
	if h == nil {
		w.hook.Store(nil)
		return
	}
	w.hook.Store(&h)
}

// resetCount starts counting requests from zero again.
func (w *wire) resetCount() { w.count.Store(0) }

// Requests is the number of requests since the last resetCount.
func (w *wire) Requests() int64 { return w.count.Load() }

// certificate mints (once per name) a leaf for the name the client asks for.
func (w *wire) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := hello.ServerName
	if name == "" {
		name = "127.0.0.1"
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if c := w.certs[name]; c != nil {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(int64(len(w.certs) + 2)),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(name); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{name}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, w.ca, &key.PublicKey, w.caKey)
	if err != nil {
		return nil, err
	}
	c := &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	w.certs[name] = c
	return c, nil
}

// hopHeaders are not passed on.
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade", "Te", "Trailer", "Content-Length", "Accept-Encoding"}

func (w *wire) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	n := w.count.Add(1)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadGateway)
		return
	}
	w.collectRequest(r, body)
	if h := w.hook.Load(); h != nil && (*h)(n, beforeTenant, r, body) {
		panic(http.ErrAbortHandler)
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, "https://"+r.Host+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	for _, h := range hopHeaders {
		out.Header.Del(h)
	}
	out.Host = r.Host
	resp, err := w.upstream.RoundTrip(out)
	if err != nil {
		if r.Context().Err() != nil {
			panic(http.ErrAbortHandler)
		}
		http.Error(rw, err.Error(), http.StatusBadGateway)
		return
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadGateway)
		return
	}
	w.collectJSON(answer)
	if h := w.hook.Load(); h != nil && (*h)(n, afterTenant, r, body) {
		panic(http.ErrAbortHandler)
	}
	for k, vs := range resp.Header {
		if isHop(k) {
			continue
		}
		rw.Header()[k] = vs
	}
	rw.WriteHeader(resp.StatusCode)
	rw.Write(answer)
}

func isHop(k string) bool {
	for _, h := range hopHeaders {
		if strings.EqualFold(h, k) {
			return true
		}
	}
	return false
}

// secretFormFields are the form fields of token requests that hold
// secrets.
var secretFormFields = []string{"client_secret", "client_assertion", "refresh_token", "code", "password", "assertion", "device_code", "code_verifier"}

// secretJSONFields are the JSON fields of answers (and request bodies)
// that hold secrets.
var secretJSONFields = map[string]bool{"access_token": true, "refresh_token": true, "id_token": true, "secretText": true, "client_secret": true}

func (w *wire) collectRequest(r *http.Request, body []byte) {
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, tok, ok := strings.Cut(auth, " "); ok {
			w.addSecret(tok, "bearer token")
		}
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if form, err := url.ParseQuery(string(body)); err == nil {
			for _, f := range secretFormFields {
				w.addSecret(form.Get(f), f)
			}
		}
		return
	}
	w.collectJSON(body)
}

func (w *wire) collectJSON(body []byte) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && secretJSONFields[k] {
					w.addSecret(s, k)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

func (w *wire) addSecret(value, kind string) {
	if len(value) < 8 {
		return
	}
	w.secretsMu.Lock()
	defer w.secretsMu.Unlock()
	if _, ok := w.secrets[value]; !ok {
		w.secrets[value] = kind
	}
}

// Secrets returns every secret seen so far: value -> what it is.
func (w *wire) Secrets() map[string]string {
	w.secretsMu.Lock()
	defer w.secretsMu.Unlock()
	return maps.Clone(w.secrets)
}

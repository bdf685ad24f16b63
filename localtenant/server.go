package localtenant

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Server is a running local tenant.
type Server struct {
	opts     Options
	domain   string
	tenantID string
	spHost   string // contoso.sharepoint.com

	clock  *clock
	store  *Store
	router *router

	ca      *keyPair
	caFile  string
	tempDir string                  // removed by Close when DataDir is empty
	signer  *signer                 // access, id and refresh tokens
	github  func() (*signer, error) // GitHub Actions OIDC tokens, made on first use

	operatorAppID  string
	operatorSecret string
	githubRequest  string // bearer token for the GitHub ID token endpoint

	listener net.Listener
	httpSrv  *http.Server
	client   *http.Client
	issuers  *http.Client

	faults   *faultState
	throttle *throttleState // Graph identity limits (Options.GraphLimits)
	log      *requestLog
	flows    *flowState // auth codes and device codes in flight
	// assertions holds the jti of accepted certificate client assertions.
	assertions assertionLedger
	persist    func(*Store) error

	closeOnce sync.Once
	closeErr  error
}

// Start starts a local tenant on opts.Addr and returns once it accepts
// connections. ctx bounds only the start; Close stops the server.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.Domain == "" {
		opts.Domain = "contoso.onmicrosoft.com"
	}
	if opts.SharePointTenant == "" {
		opts.SharePointTenant = "contoso"
	}
	s := &Server{
		opts:     opts,
		domain:   strings.ToLower(opts.Domain),
		tenantID: nameID("tenant", strings.ToLower(opts.Domain)),
		spHost:   strings.ToLower(opts.SharePointTenant) + ".sharepoint.com",
		clock:    &clock{},
		faults:   newFaultState(opts.Faults),
		log:      &requestLog{w: opts.RequestLog},
		flows:    newFlowState(),
	}
	s.throttle = newThrottleState(s.tenantID, opts.GraphLimits)
	s.store = newStore(s.clock)
	s.store.tenantID, s.store.domains = s.tenantID, []string{s.domain}
	s.store.delay = opts.Faults.ReplicationDelay
	if err := s.setupKeys(); err != nil {
		s.cleanup()
		return nil, err
	}
	if err := s.setupStore(); err != nil {
		s.cleanup()
		return nil, err
	}
	var routes []Route
	for _, f := range routeSets {
		routes = append(routes, f(s)...)
	}
	s.router = newRouter(routes)

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", opts.Addr)
	if err != nil {
		s.cleanup()
		return nil, fmt.Errorf("local tenant: listening on %s: %w", opts.Addr, err)
	}
	s.listener = ln
	leaf, err := newLeaf(s.clock.now(), s.ca, "entraform local tenant", append(certHosts, "127.0.0.1", "::1", hostOnly(ln.Addr().String())))
	if err != nil {
		ln.Close()
		s.cleanup()
		return nil, err
	}
	s.client = s.newClient(false)
	s.issuers = opts.IssuerHTTPClient
	if s.issuers == nil {
		s.issuers = s.newClient(true)
	}
	s.httpSrv = &http.Server{
		Handler:           s,
		TLSConfig:         serverTLS(leaf, s.ca),
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          serverErrorLog(nil),
	}
	go s.httpSrv.ServeTLS(ln, "", "")
	return s, nil
}

// setupKeys loads or makes the CA, the token signing keys and the
// operator identity; with a DataDir they persist there.
func (s *Server) setupKeys() error {
	dir := s.opts.DataDir
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("local tenant: data directory: %w", err)
		}
	} else {
		tmp, err := os.MkdirTemp("", "localtenant-")
		if err != nil {
			return fmt.Errorf("local tenant: temp directory: %w", err)
		}
		s.tempDir = tmp
	}
	now := s.clock.now()
	ca, err := loadOrCreate(dir, "ca", func() (*keyPair, error) { return newCA(now, s.domain) })
	if err != nil {
		return fmt.Errorf("local tenant: CA: %w", err)
	}
	s.ca = ca
	if dir != "" {
		s.caFile = filepath.Join(dir, "ca.pem")
	} else {
		s.caFile = filepath.Join(s.tempDir, "ca.pem")
		if err := writeFileAtomic(s.caFile, ca.certPEM(), 0o644); err != nil {
			return err
		}
	}
	tokenKey, err := loadOrCreate(dir, "token-signing", func() (*keyPair, error) {
		return signingLeaf(now, ca, "accounts.accesscontrol.windows.net", dir, 0)
	})
	if err != nil {
		return fmt.Errorf("local tenant: token signing key: %w", err)
	}
	if s.signer, err = newSigner(tokenKey); err != nil {
		return err
	}
	s.github = sync.OnceValues(func() (*signer, error) {
		kp, err := loadOrCreate(dir, "github-signing", func() (*keyPair, error) {
			return signingLeaf(s.clock.now(), ca, "token.actions.githubusercontent.com", dir, 1)
		})
		if err != nil {
			return nil, fmt.Errorf("local tenant: GitHub signing key: %w", err)
		}
		return newSigner(kp)
	})
	s.operatorAppID = nameID("operator", s.domain)
	s.githubRequest = randomToken()
	return s.loadOrCreateOperatorSecret()
}

func (s *Server) loadOrCreateOperatorSecret() error {
	if s.opts.DataDir == "" {
		s.operatorSecret = randomSecret()
		return nil
	}
	path := filepath.Join(s.opts.DataDir, "operator-secret")
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		s.operatorSecret = strings.TrimSpace(string(b))
		return nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("local tenant: reading operator secret: %w", err)
	}
	s.operatorSecret = randomSecret()
	return writeFileAtomic(path, []byte(s.operatorSecret+"\n"), 0o600)
}

// newClient is an HTTP client that trusts the CA and dials this server for
// every emulated host name. With external true it also trusts the system
// roots and dials other hosts normally (for external OIDC issuers).
func (s *Server) newClient(external bool) *http.Client {
	var pool *x509.CertPool
	if external {
		if sys, err := x509.SystemCertPool(); err == nil {
			pool = sys
		}
	}
	if pool == nil {
		pool = x509.NewCertPool()
	}
	pool.AddCert(s.ca.cert)
	addr := s.listener.Addr().String()
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
		DialContext: func(ctx context.Context, network, target string) (net.Conn, error) {
			if external && hostKindOf(hostOnly(target)) == HostUnknown {
				return dialer.DialContext(ctx, network, target)
			}
			return dialer.DialContext(ctx, "tcp", addr)
		},
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// read runs fn with the store locked for reading.
func (s *Server) read(fn func(st *Store)) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	fn(s.store)
}

// write runs fn with the store locked for writing; when fn succeeds the
// store is persisted (with a DataDir). fn's error is returned as is.
func (s *Server) write(fn func(st *Store) error) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	if err := fn(s.store); err != nil {
		return err
	}
	if s.persist != nil {
		if err := s.persist(s.store); err != nil {
			return fmt.Errorf("local tenant: persisting store: %w", err)
		}
	}
	return nil
}

// Endpoint is the address to dial: "https://127.0.0.1:PORT".
func (s *Server) Endpoint() string { return "https://" + s.listener.Addr().String() }

// CAFile is the PEM file of the CA.
func (s *Server) CAFile() string { return s.caFile }

// CAPEM is the CA certificate in PEM.
func (s *Server) CAPEM() []byte { return s.ca.certPEM() }

// TenantID is the tenant's GUID, derived from the domain.
func (s *Server) TenantID() string { return s.tenantID }

// Domain is the tenant's initial domain.
func (s *Server) Domain() string { return s.domain }

// SharePointHost is "contoso.sharepoint.com".
func (s *Server) SharePointHost() string { return s.spHost }

// Operator is the seeded operator app's client id and secret.
func (s *Server) Operator() (clientID, secret string) { return s.operatorAppID, s.operatorSecret }

// HTTPClient trusts the CA and dials this server for every host name,
// keeping URL, Host and SNI.
func (s *Server) HTTPClient() *http.Client { return s.client }

// Env lists the variables that point entraform at this tenant.
func (s *Server) Env() []EnvVar {
	return []EnvVar{
		{"ENTRAFORM_ENDPOINT", s.Endpoint()},
		{"ENTRAFORM_CA_FILE", s.caFile},
		{"AZURE_TENANT_ID", s.tenantID},
		{"AZURE_CLIENT_ID", s.operatorAppID},
		{"AZURE_CLIENT_SECRET", s.operatorSecret},
	}
}

// Getenv looks a variable of Env up ("" for any other), for code that
// takes its environment as a func(string) string.
func (s *Server) Getenv(key string) string {
	for _, kv := range s.Env() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// AdvanceClock moves the tenant's clock forward.
func (s *Server) AdvanceClock(d time.Duration) { s.clock.advance(d) }

// SetFaults replaces the fault settings (and reseeds the fault RNG).
func (s *Server) SetFaults(f Faults) {
	s.faults.set(f)
	s.store.mu.Lock()
	s.store.delay = f.ReplicationDelay
	s.store.mu.Unlock()
}

// FailMatching makes the next n Graph/SharePoint requests (or $batch
// items) with that method ("" for any) whose path starts with pathPrefix
// (with or without the /v1.0 version root) fail with status, whatever
// else runs at the same time: a test can break one kind of write.
func (s *Server) FailMatching(method, pathPrefix string, n, status int) {
	s.faults.failMatching(method, pathPrefix, n, status)
}

// FailNext makes the next n Graph/SharePoint requests fail with status.
func (s *Server) FailNext(n int, status int) { s.faults.failNext(n, status) }

// Requests returns the request log so far.
func (s *Server) Requests() []RequestRecord { return s.log.records() }

// ResetRequests empties the request log.
func (s *Server) ResetRequests() { s.log.reset() }

// DefaultUser is the user who approves interactive and device code sign-ins.
func (s *Server) DefaultUser() User { return s.seededUser(defaultUserName) }

// MFAUser is a user whose sign-in needs MFA (the password flow fails).
func (s *Server) MFAUser() User { return s.seededUser(mfaUserName) }

func (s *Server) seededUser(local string) User {
	var u User
	s.read(func(st *Store) {
		if p, ok := st.userByUPN(local+"@"+s.domain, true); ok {
			u = *p
		}
	})
	return u
}

// Close stops the server and removes its temporary files.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		if s.client != nil {
			s.client.CloseIdleConnections()
		}
		if s.issuers != nil {
			s.issuers.CloseIdleConnections()
		}
		if s.httpSrv != nil {
			// A short grace: HTTP/2 clients that keep idle connections
			// open would otherwise hold every Close for a second or more.
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if err := s.httpSrv.Shutdown(ctx); err != nil {
				s.httpSrv.Close()
			}
		}
		s.cleanup()
	})
	return s.closeErr
}

func (s *Server) cleanup() {
	if s.tempDir != "" {
		if err := os.RemoveAll(s.tempDir); err != nil && s.closeErr == nil {
			s.closeErr = fmt.Errorf("local tenant: removing %s: %w", s.tempDir, err)
		}
	}
}

// hostOnly strips the port from a host[:port].
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return strings.ToLower(h)
	}
	return strings.ToLower(strings.Trim(hostport, "[]"))
}

// hostKindOf classifies a host name (without port).
func hostKindOf(host string) HostKind {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	switch host {
	case "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "login.windows.net", "sts.windows.net":
		return HostLogin
	case "graph.microsoft.com", "graph.microsoft.us", "microsoftgraph.chinacloudapi.cn":
		return HostGraph
	case "token.actions.githubusercontent.com":
		return HostGitHub
	case "management.azure.com", "management.usgovcloudapi.net", "management.chinacloudapi.cn":
		return HostARM
	case "localhost", "127.0.0.1", "::1":
		return HostLocal
	}
	for _, suffix := range []string{".sharepoint.com", ".sharepoint.us", ".sharepoint.cn"} {
		if strings.HasSuffix(host, suffix) && len(host) > len(suffix) {
			return HostSharePoint
		}
	}
	if net.ParseIP(host) != nil {
		return HostLocal
	}
	return HostUnknown
}

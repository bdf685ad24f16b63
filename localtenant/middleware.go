package localtenant

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// faultState is the fault configuration with its seeded RNG.
type faultState struct {
	mu        sync.Mutex
	f         Faults
	rng       *rand.Rand
	failCount int
	failCode  int
	rules     []*failRule
}

func newFaultState(f Faults) *faultState {
	fs := &faultState{}
	fs.set(f)
	return fs
}

func (fs *faultState) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.f = f
	fs.rng = rand.New(rand.NewPCG(uint64(f.Seed), uint64(f.Seed)^0x9e3779b97f4a7c15))
}

func (fs *faultState) get() Faults {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f
}

// failRule fails the next n requests with a method and path prefix.
type failRule struct {
	method, prefix string
	n, status      int
}

func (fs *faultState) failMatching(method, prefix string, n, status int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = append(fs.rules, &failRule{method: strings.ToUpper(method), prefix: prefix, n: n, status: status})
}

// takeMatching consumes one failure of the first rule that matches a
// request (or $batch item) with that method and version-relative or
// absolute path.
func (fs *faultState) takeMatching(method, path string) (fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	rel := strings.TrimPrefix(path, "/v1.0")
	for _, r := range fs.rules {
		if r.n > 0 && (r.method == "" || r.method == method) && (strings.HasPrefix(path, r.prefix) || strings.HasPrefix(rel, r.prefix)) {
			r.n--
			f := fault{status: r.status}
			if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
				f.retryAfter = fs.f.retryAfterSeconds()
			}
			return f, true
		}
	}
	return fault{}, false
}

func (fs *faultState) failNext(n, status int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.failCount, fs.failCode = n, status
}

// fault is an injected failure: the status and, for 429/503, the
// Retry-After seconds.
type fault struct {
	status     int
	retryAfter int
}

// takeFailNext consumes one FailNext failure, if any is left.
func (fs *faultState) takeFailNext() (fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.failCount <= 0 {
		return fault{}, false
	}
	fs.failCount--
	f := fault{status: fs.failCode}
	if f.status == http.StatusTooManyRequests || f.status == http.StatusServiceUnavailable {
		f.retryAfter = fs.f.retryAfterSeconds()
	}
	return f, true
}

// draw decides from the seeded RNG whether a request (or $batch item) is
// throttled or fails. Each call takes exactly two numbers from the RNG, so
// a seed gives the same sequence of outcomes for the same sequence of
// requests.
func (fs *faultState) draw() (fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	u := fs.rng.Float64()
	pick := fs.rng.IntN(3)
	switch {
	case u < fs.f.ThrottleRate:
		return fault{status: http.StatusTooManyRequests, retryAfter: fs.f.retryAfterSeconds()}, true
	case u < fs.f.ThrottleRate+fs.f.ErrorRate:
		status := []int{http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusGatewayTimeout}[pick]
		f := fault{status: status}
		if status == http.StatusServiceUnavailable {
			f.retryAfter = fs.f.retryAfterSeconds()
		}
		return f, true
	}
	return fault{}, false
}

// itemFault is for $batch: whether one item of a batch is throttled or
// fails (ThrottleRate and ErrorRate; FailNext counts whole HTTP
// requests only). The batch handler answers the item with status, a
// Retry-After header when retryAfter > 0, and an OData error body from
// faultBody.
func (s *Server) itemFault(method, path string) (status, retryAfter int, ok bool) {
	if f, ok := s.faults.takeMatching(method, path); ok {
		return f.status, f.retryAfter, true
	}
	f, ok := s.faults.draw()
	return f.status, f.retryAfter, ok
}

// faultBody is the OData error for an injected failure status.
func (s *Server) faultBody(r *http.Request, status int) ODataError {
	code, msg := faultCode(status)
	return odataError(r, s.clock.now(), code, msg)
}

func faultCode(status int) (code, msg string) {
	switch status {
	case http.StatusTooManyRequests:
		return CodeTooManyRequests, "Too many requests. Please retry after the time in the Retry-After header."
	case http.StatusServiceUnavailable:
		return CodeServiceNotAvail, "The service is temporarily unavailable. Please retry later."
	case http.StatusGatewayTimeout:
		return CodeGatewayTimeout, "The operation timed out."
	case http.StatusInternalServerError:
		return CodeGeneralException, "An unexpected error occurred."
	}
	return CodeGeneralException, fmt.Sprintf("Injected failure (HTTP %d).", status)
}

func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, f fault) {
	if f.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter))
	}
	body := s.faultBody(r, f.status)
	writeJSON(w, f.status, body)
}

// maxRequestRecords bounds the in-memory request log of a long-running
// tenant; the JSON lines written to Options.RequestLog are not bounded.
const maxRequestRecords = 200000

// requestLog keeps the requests (the newest maxRequestRecords) and writes
// JSON lines to w.
type requestLog struct {
	mu   sync.Mutex
	w    io.Writer
	recs []RequestRecord
}

func (l *requestLog) add(rec RequestRecord) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.recs) >= maxRequestRecords {
		// A long-running tenant keeps the newest half.
		l.recs = append(l.recs[:0], l.recs[len(l.recs)/2:]...)
	}
	l.recs = append(l.recs, rec)
	if l.w != nil {
		line, _ := json.Marshal(rec)
		l.w.Write(append(line, '\n'))
	}
}

func (l *requestLog) records() []RequestRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]RequestRecord(nil), l.recs...)
}

func (l *requestLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = nil
}

// statusRecorder remembers the status a handler wrote and the start of
// an error's body, for the log's error code.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	errBody []byte
}

// maxErrBody is how much of an error body the log looks at.
const maxErrBody = 4096

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.status >= 400 && len(r.errBody) < maxErrBody {
		r.errBody = append(r.errBody, b[:min(len(b), maxErrBody-len(r.errBody))]...)
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP is the middleware chain: request log, latency, FailNext,
// throttle, error rate (those three on Graph and SharePoint hosts only),
// then the route (501 when none matches), with access token validation
// for non-public Graph and SharePoint routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &statusRecorder{ResponseWriter: w}
	s.serve(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.log.add(RequestRecord{
		Method: r.Method,
		Host:   hostOnly(r.Host),
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
		Status: rec.status,
		Ms:     float64(time.Since(start).Microseconds()) / 1000,
		Error:  errorCodeOf(rec.errBody),
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	f := s.faults.get()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	kind := hostKindOf(hostOnly(r.Host))
	if kind == HostGraph || kind == HostSharePoint {
		if ft, ok := s.faults.takeMatching(r.Method, r.URL.Path); ok {
			s.writeFault(w, r, ft)
			return
		}
		if ft, ok := s.faults.takeFailNext(); ok {
			s.writeFault(w, r, ft)
			return
		}
		if ft, ok := s.faults.draw(); ok {
			s.writeFault(w, r, ft)
			return
		}
	}
	s.dispatch(w, r, kind)
}

// dispatch answers a request past the faults: the route of its host kind
// (501 when none matches), with access token validation for non-public
// Graph and SharePoint routes. A $batch dispatches its items here too,
// having drawn their faults itself.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, kind HostKind) {
	if kind == HostGraph {
		r = betaAlias(myOrganizationAlias(r))
	}
	route, vals := s.router.match(kind, r.Method, r.URL.EscapedPath())
	if route == nil {
		s.notImplemented(w, r, kind)
		return
	}
	for k, v := range vals {
		r.SetPathValue(k, v)
	}
	if !route.Public && (kind == HostGraph || kind == HostSharePoint || kind == HostARM) {
		c, ok := s.authenticate(w, r, kind)
		if !ok || !s.throttleGraph(w, r, kind, c) {
			return
		}
		r = r.WithContext(withCaller(r.Context(), c))
	}
	route.Handler(w, r)
}

// authenticate validates the bearer token for a Graph or SharePoint
// request and answers 401 as that service does when it is missing or bad.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, kind HostKind) (*Caller, bool) {
	if kind == HostARM {
		return s.authenticateARM(w, r)
	}
	host := hostOnly(r.Host)
	raw := bearerToken(r)
	if kind == HostSharePoint {
		if raw == "" {
			s.writeSharePointAuthError(w, r, "Unauthorized")
			return nil, false
		}
		c, err := s.ValidateAccessToken(raw, "https://"+host, sharePointAppID)
		if err != nil {
			s.writeSharePointAuthError(w, r, "Invalid issuer or signature.")
			return nil, false
		}
		return c, true
	}
	if raw == "" {
		s.writeODataError(w, r, http.StatusUnauthorized, CodeInvalidToken, "Access token is empty.")
		return nil, false
	}
	c, err := s.ValidateAccessToken(raw, "https://"+host, graphAppID)
	if err != nil {
		s.writeODataError(w, r, http.StatusUnauthorized, CodeInvalidToken, err.Error())
		return nil, false
	}
	return c, true
}

// writeSharePointAuthError is SharePoint REST's 401:
// {"error_description":"..."} with a WWW-Authenticate challenge.
func (s *Server) writeSharePointAuthError(w http.ResponseWriter, r *http.Request, desc string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s",client_id="%s",trusted_issuers="00000001-0000-0000-c000-000000000000@*,https://sts.windows.net/*/",authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`, s.tenantID, sharePointAppID))
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error_description": desc})
}

// notImplemented answers a request no route takes.
func (s *Server) notImplemented(w http.ResponseWriter, r *http.Request, kind HostKind) {
	if kind == HostLocal && r.Method == http.MethodGet && (r.URL.Path == "/" || r.URL.Path == "") {
		s.writeIndex(w)
		return
	}
	msg := fmt.Sprintf("localtenant: no route for %s %s%s", r.Method, hostOnly(r.Host), r.URL.Path)
	s.writeODataError(w, r, http.StatusNotImplemented, CodeNotImplemented, msg)
}

func (s *Server) writeIndex(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "entraform local tenant\n\ntenant   %s (%s)\nlogin    https://login.microsoftonline.com/%s/v2.0\ngraph    https://graph.microsoft.com/v1.0\nsites    https://%s\narm      https://management.azure.com (no subscriptions)\n\nSend requests with the real host names in the Host header (and SNI);\nthis address answers for all of them.\n",
		s.domain, s.tenantID, s.tenantID, s.spHost)
}

// aadstsInText finds an AADSTS code in a text or HTML error page.
var aadstsInText = regexp.MustCompile(`AADSTS\d+`)

// errorCodeOf reads the error code out of an error body: the identity
// platform's first error_codes entry as "AADSTS<n>", else error.code
// (Graph, Resource Manager), odata.error.code (SharePoint), or an OAuth
// error string. "" when the body is none of these.
func errorCodeOf(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	var v struct {
		Error      json.RawMessage `json:"error"`
		ErrorCodes []int           `json:"error_codes"`
		OData      *struct {
			Code string `json:"code"`
		} `json:"odata.error"`
	}
	if json.Unmarshal(body, &v) != nil {
		// The sign-in pages answer errors in HTML that names the code.
		return aadstsInText.FindString(string(body))
	}
	if len(v.ErrorCodes) > 0 {
		return fmt.Sprintf("AADSTS%d", v.ErrorCodes[0])
	}
	if v.OData != nil {
		return v.OData.Code
	}
	var inner struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(v.Error, &inner) == nil && inner.Code != "" {
		return inner.Code
	}
	var oauth string
	if json.Unmarshal(v.Error, &oauth) == nil {
		return oauth
	}
	return ""
}

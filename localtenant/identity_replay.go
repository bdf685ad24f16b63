package localtenant

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// assertionLedger remembers the jti of every certificate client
// assertion the token endpoint accepted, until the assertion expires: a
// client assertion is good for one request, so one copied from a log or
// a proxy cannot be used to get tokens again. Federated assertions (a
// GitHub or Kubernetes token) are not single use: their issuer hands the
// same token to every step of a job.
type assertionLedger struct {
	mu   sync.Mutex
	seen map[string]time.Time // app id + jti -> when it can be forgotten
}

// spend records the assertion's jti for appID and reports whether it was
// already spent. Expired entries are dropped as new ones come in.
func (l *assertionLedger) spend(appID, jti string, forgetAfter, now time.Time) (replayed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]time.Time{}
	}
	for k, t := range l.seen {
		if now.After(t) {
			delete(l.seen, k)
		}
	}
	key := strings.ToLower(appID) + "\x00" + jti
	if _, ok := l.seen[key]; ok {
		return true
	}
	l.seen[key] = forgetAfter
	return false
}

// checkAssertionReplay refuses a certificate client assertion whose jti
// was accepted before. Entra's published error list has no entry for a
// replayed assertion; AADSTS50013 (InvalidAssertion) is its nearest.
func (s *Server) checkAssertionReplay(appID string, claims map[string]any) *aadError {
	jti := claimString(claims, "jti")
	if jti == "" {
		return nil
	}
	exp, ok := claimTime(claims, "exp")
	if !ok {
		return nil
	}
	// Remember it as long as checkTimes would accept it on either clock.
	forget := exp.Add(10 * time.Minute)
	if now := s.clock.now(); now.After(time.Now()) {
		forget = forget.Add(now.Sub(time.Now()))
	}
	if s.assertions.spend(appID, jti, forget, time.Now()) {
		return newAADError(http.StatusUnauthorized, "invalid_client", 50013,
			"Assertion failed signature validation. [Reason - The client assertion with identifier (jti) '%s' was already used; a client assertion is valid for one request only. Build a new assertion, with a new jti, for every token request.]", jti)
	}
	return nil
}

// checkTenantSpecific refuses grant types that need a tenant on the
// tenant-less /common and /consumers endpoints: an app-only token must
// say which tenant it is for.
func checkTenantSpecific(seg string) *aadError {
	switch strings.ToLower(seg) {
	case "common", "consumers":
		return newAADError(http.StatusBadRequest, "invalid_request", 9001023,
			"The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.")
	}
	return nil
}

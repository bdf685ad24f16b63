package localtenant

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// githubIssuer is the GitHub Actions OIDC issuer the emulation answers for.
const githubIssuer = "https://token.actions.githubusercontent.com"

func init() { addRoutes(githubRoutes) }

// githubRoutes emulate GitHub Actions' OIDC provider: discovery, JWKS and
// the ID token request endpoint a runner exposes as
// ACTIONS_ID_TOKEN_REQUEST_URL.
func githubRoutes(s *Server) []Route {
	return []Route{
		{Host: HostGitHub, Method: "GET", Pattern: "/.well-known/openid-configuration", Handler: s.githubDiscovery},
		{Host: HostGitHub, Method: "GET", Pattern: "/.well-known/jwks", Handler: s.githubJWKS},
		{Host: HostGitHub, Method: "GET", Pattern: "/_local/idtoken", Handler: s.githubIDToken},
	}
}

// GitHubActionsEnv returns what a runner puts in ACTIONS_ID_TOKEN_REQUEST_URL
// (with the subject already in the query; callers append "&audience=...")
// and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
func (s *Server) GitHubActionsEnv(subject string) (requestURL, requestToken string) {
	return githubIssuer + "/_local/idtoken?subject=" + url.QueryEscape(subject), s.githubRequest
}

func (s *Server) githubDiscovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                githubIssuer,
		"jwks_uri":                              githubIssuer + "/.well-known/jwks",
		"subject_types_supported":               []string{"public", "pairwise"},
		"response_types_supported":              []string{"id_token"},
		"claims_supported":                      []string{"sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository", "repository_owner", "workflow", "actor", "event_name"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid"},
	})
}

func (s *Server) githubJWKS(w http.ResponseWriter, r *http.Request) {
	sg, err := s.github()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{sg.jwk()}})
}

// githubIDToken issues an Actions ID token for ?subject=&audience=
// (audience defaults to the repository owner URL, as GitHub's does).
func (s *Server) githubIDToken(w http.ResponseWriter, r *http.Request) {
	got := bearerToken(r)
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.githubRequest)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
		return
	}
	q := r.URL.Query()
	sub := q.Get("subject")
	if sub == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "subject is required"})
		return
	}
	// repo:OWNER/REPO:ref:refs/heads/main -> repository, owner, ref.
	repo, ref := "", ""
	if rest, ok := strings.CutPrefix(sub, "repo:"); ok {
		parts := strings.SplitN(rest, ":", 3)
		repo = parts[0]
		if len(parts) == 3 && parts[1] == "ref" {
			ref = parts[2]
		}
	}
	owner, _, _ := strings.Cut(repo, "/")
	aud := q.Get("audience")
	if aud == "" {
		aud = "https://github.com/" + owner
	}
	event := "push"
	if strings.HasSuffix(sub, ":pull_request") {
		event = "pull_request"
	}
	sg, err := s.github()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	now := s.clock.now()
	tok, err := sg.sign(map[string]any{
		"iss":              githubIssuer,
		"sub":              sub,
		"aud":              aud,
		"repository":       repo,
		"repository_owner": owner,
		"ref":              ref,
		"workflow":         "ci",
		"actor":            owner,
		"event_name":       event,
		"jti":              newID(),
		"iat":              now.Unix(),
		"nbf":              now.Add(-5 * time.Second).Unix(),
		"exp":              now.Add(10 * time.Minute).Unix(),
	})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"value": tok})
}

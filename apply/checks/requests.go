package checks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/config/catalog"
)

// requestTimeout bounds one request of a check.
const requestTimeout = 2 * time.Minute

// send makes one request of a check with the token and compares its
// status. tokenProblems tells that the token itself was already found
// wanting, so a refusal needs no second explanation.
func (r *checkRun) send(ctx context.Context, token string, claims Claims, q *config.Request, tokenProblems bool) (RequestResult, *Problem) {
	rr := RequestResult{Name: q.Name, Method: q.Method, URL: q.URL, Want: q.Status}
	u, err := url.Parse(q.URL)
	if err != nil {
		rr.Error = "not sent: " + err.Error()
		return rr, &Problem{Code: CodeRequestFailed, Request: q.Name, Message: fmt.Sprintf("request %q: %v", q.Name, err)}
	}
	if p := r.refuseDestination(q, u); p != nil {
		rr.Error = "not sent: " + p.short
		return rr, &Problem{Code: CodeTokenNotSent, Request: q.Name, Message: p.message}
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var body io.Reader
	if q.Body != "" {
		body = strings.NewReader(q.Body)
	}
	req, err := http.NewRequestWithContext(ctx, q.Method, q.URL, body)
	if err != nil {
		rr.Error = "not sent: " + err.Error()
		return rr, &Problem{Code: CodeRequestFailed, Request: q.Name, Message: fmt.Sprintf("request %q: %v", q.Name, err)}
	}
	for k, v := range q.Headers {
		req.Header.Set(k, v)
	}
	if req.Header.Get("Accept") == "" {
		if r.env.Cloud.IsSharePointHost(u.Hostname()) {
			req.Header.Set("Accept", "application/json;odata=nometadata")
		} else {
			req.Header.Set("Accept", "application/json")
		}
	}
	if q.Body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	resp, err := r.env.HTTPClient.Do(req)
	rr.Duration = time.Since(start)
	if err != nil {
		rr.Error = err.Error()
		return rr, &Problem{Code: CodeRequestFailed, Request: q.Name, Message: fmt.Sprintf("request %q (%s %s) failed: %v", q.Name, q.Method, q.URL, err)}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
	rr.Status = resp.StatusCode
	rr.OK = resp.StatusCode == q.Status
	if resp.StatusCode >= 400 {
		rr.Error = serviceError(data)
	}
	if rr.OK {
		return rr, nil
	}
	p := r.explainStatus(claims, q, rr, tokenProblems)
	p.Request = q.Name
	if p.Detail == "" {
		p.Detail = rr.Error
	}
	return rr, &p
}

// refusal says why a request's URL may not receive the app's token.
type refusal struct{ short, message string }

// refuseDestination decides whether the app's token may go to u: only
// over https (plain http only to a loopback address, where it stays on
// the machine), and only to the API the check signed in for: the same
// scheme, host and port as its resource, as the token's audience says.
func (r *checkRun) refuseDestination(q *config.Request, u *url.URL) *refusal {
	host := u.Hostname()
	if !r.env.Cloud.IsGraphHost(host) && !r.env.Cloud.IsSharePointHost(host) && !sameHost(host, r.target.Resource) {
		return &refusal{"the token goes only to Microsoft Graph, SharePoint or the check's API", fmt.Sprintf(
			"request %q was not sent: %s is neither Microsoft Graph, SharePoint nor the API the check signed in for (%s), and the app's token must not leave them", q.Name, host, r.target.Resource)}
	}
	if u.Scheme != "https" && !isLoopback(u) {
		return &refusal{"the token goes only over https", fmt.Sprintf(
			"request %q was not sent: %s is not https, and the app's token must not cross the network in clear text; use https://%s%s", q.Name, q.URL, u.Host, u.RequestURI())}
	}
	if want, got := APIOrigin(r.target.Resource), Origin(u); got != want {
		return &refusal{"the token goes only to the API it is for (" + want + ")", fmt.Sprintf(
			"request %q was not sent: %s is not the API the check signed in for (%s), and the app's token goes only there; a check signs in for the API of its first request, so put requests to %s in a check of their own (or set scopes)",
			q.Name, got, want, host)}
	}
	return nil
}

// Origin is the scheme, host and port of u, with the default port of
// the scheme written out: https://graph.microsoft.com:443.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// APIOrigin is the origin requests to the API a resource identifies go
// to: the resource's own for an https (or loopback http) resource, and
// https on the resource's host for an identifier such as api://host/x.
func APIOrigin(resource string) string {
	u, err := url.Parse(resource)
	if err != nil || u.Host == "" {
		return resource
	}
	if s := strings.ToLower(u.Scheme); s != "https" && s != "http" {
		return "https://" + strings.ToLower(u.Hostname()) + ":443"
	}
	return Origin(u)
}

func sameHost(host, resource string) bool {
	u, err := url.Parse(resource)
	return err == nil && strings.EqualFold(u.Hostname(), host)
}

// explainStatus explains a status other than the expected one.
func (r *checkRun) explainStatus(c Claims, q *config.Request, rr RequestResult, tokenProblems bool) Problem {
	call := fmt.Sprintf("%s %s", q.Method, q.URL)
	u, _ := url.Parse(q.URL)
	host := ""
	if u != nil {
		host = u.Hostname()
	}
	onSharePoint := r.env.Cloud.IsSharePointHost(host)

	switch {
	case rr.Status < 400 && q.Status >= 400:
		return Problem{Code: CodeUnexpectedStatus, Message: fmt.Sprintf(
			"least privilege does not hold: %s answered %d, but the check expects %d; %s can reach more than intended (token %s)",
			call, rr.Status, q.Status, r.app.Addr, grantsText(c))}
	case rr.Status == http.StatusUnauthorized && onSharePoint && strings.Contains(strings.ToLower(rr.Error), "unsupported app only token"):
		return Problem{Code: CodeSharePointSecretToken, Message: fmt.Sprintf(
			"SharePoint REST does not accept app-only tokens from a client secret; use a certificate credential and flow = certificate (%s answered 401 \"Unsupported app only token.\")", call)}
	case rr.Status == http.StatusUnauthorized && !strings.EqualFold(strings.TrimRight(c.Audience, "/"), "https://"+host) && audienceHost(c.Audience) != strings.ToLower(host):
		return Problem{Code: CodeUnexpectedStatus, Message: fmt.Sprintf(
			"%s answered 401: the token is for %s, not for %s; a check signs in for the API of its first request, so put requests to %s in a check of their own (or set scopes)",
			call, c.Audience, host, host)}
	case rr.Status == http.StatusForbidden && tokenProblems:
		return Problem{Code: CodeUnexpectedStatus, Message: fmt.Sprintf("%s answered 403, want %d (the token problem above explains it)", call, q.Status)}
	case rr.Status == http.StatusForbidden:
		return r.explainForbidden(c, q, call)
	}
	msg := fmt.Sprintf("%s answered %d, want %d", call, rr.Status, q.Status)
	if rr.Error != "" {
		msg += ": " + rr.Error
	}
	// Throttling and server errors pass: the check is tried again.
	return Problem{Code: CodeUnexpectedStatus, Message: msg, transient: isTransientStatus(rr.Status)}
}

// isTransientStatus: the service was busy or failed for a moment
// (throttling, server errors), which says nothing about the app's access.
func isTransientStatus(status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func audienceHost(aud string) string {
	u, err := url.Parse(aud)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}

// explainForbidden names the permission a refused request needs.
func (r *checkRun) explainForbidden(c Claims, q *config.Request, call string) Problem {
	n, ok := neededPermission(r.env.Cloud, q.Method, q.URL)
	if !ok {
		return Problem{Code: CodeMissingPermission, Message: fmt.Sprintf(
			"%s answered 403: the token (%s) does not allow it; declare the permission this API wants and apply", call, grantsText(c))}
	}
	delegated := !c.AppOnly()
	if !delegated && n.UserOnly {
		return Problem{Code: CodeMissingPermission, Message: fmt.Sprintf(
			"%s needs a signed-in user: an app-only token (flow = %q) cannot call it; use a user flow or /users/{id}", call, r.check.Flow)}
	}
	wants := n.forFlow(delegated)
	kind := applicationKind
	have := c.Roles
	if delegated {
		kind, have = delegatedKind, c.Scopes
	}
	// Sites.Selected reaches only sites granted to the app.
	if !delegated && n.SitesSelected && hasFold(c.Roles, "Sites.Selected") {
		if site := r.grantedSite(q.URL); site != "" {
			return Problem{Code: CodeSiteGrantMissing, transient: true, Message: fmt.Sprintf(
				"%s answered 403 although %s grants %s access with Sites.Selected: a new site grant takes a while to become effective; run entraform verify again in a few minutes, and if it persists, run plan",
				call, site, r.app.Addr)}
		}
		return Problem{Code: CodeSiteGrantMissing, Message: fmt.Sprintf(
			"%s answered 403: %s holds Sites.Selected, which reaches only sites granted to it, and this site has no grant for it; add to the site block grant \"<name>\" { application = %s, roles = [\"read\"] } and apply (or declare %s)",
			call, r.app.Addr, r.app.Addr, strings.Join(n.Application, " or "))}
	}
	wantText := fmt.Sprintf("the %s permission %s of %s", kind, strings.Join(wants, " or "), n.Resource)
	if !delegated && n.SitesSelected {
		wantText += ", or Sites.Selected plus a site grant for this app"
	}
	decl := declared(r.app, resourceAppIDOf(n.Resource), kind)
	for _, w := range wants {
		if hasFold(decl, w) && r.app.AdminConsent && !hasFold(have, w) {
			return r.consentNotEffective([]string{w}, kind.String(), call+" answered 403")
		}
	}
	return Problem{Code: CodeMissingPermission, Message: fmt.Sprintf(
		"%s answered 403: it needs %s; the token has %s. Add permission %q { %s = [%q] } with admin_consent = true and apply",
		call, wantText, grantsText(c), n.Resource, kind, first(wants...))}
}

// grantedSite returns the address of a configured site whose URL the
// request addresses and that grants this app access, or "".
func (r *checkRun) grantedSite(rawURL string) string {
	lower := strings.ToLower(rawURL)
	for _, s := range r.env.Config.Sites {
		su, err := url.Parse(s.URL)
		if err != nil {
			continue
		}
		// Graph addresses a site as /sites/{host}:{path}; SharePoint REST
		// as https://{host}{path}/_api/...
		graphForm := strings.ToLower(su.Host + ":" + strings.TrimRight(su.Path, "/"))
		if !strings.Contains(lower, graphForm) && !strings.HasPrefix(lower, strings.ToLower(strings.TrimRight(s.URL, "/"))+"/") {
			continue
		}
		for _, g := range s.Grants {
			if g.Application == r.app.Addr {
				return s.Addr
			}
		}
	}
	return ""
}

func resourceAppIDOf(label string) string {
	switch label {
	case "graph":
		return catalog.GraphAppID
	case "sharepoint":
		return catalog.SharePointAppID
	}
	return ""
}

// grantsText describes what a token carries: "roles Sites.Selected",
// "scp User.Read", "no roles".
func grantsText(c Claims) string {
	if c.AppOnly() {
		if len(c.Roles) == 0 {
			return "no roles"
		}
		return "roles " + strings.Join(c.Roles, ", ")
	}
	if len(c.Scopes) == 0 {
		return "no scopes"
	}
	return "scp " + strings.Join(c.Scopes, " ")
}

// serviceError reads an API error body: Graph's OData error, SharePoint's
// error_description or odata.error, else a short text.
func serviceError(data []byte) string {
	var body struct {
		Error            json.RawMessage `json:"error"`
		ErrorDescription string          `json:"error_description"`
		ODataError       *spError        `json:"odata.error"`
	}
	if json.Unmarshal(data, &body) == nil {
		if body.ErrorDescription != "" {
			return body.ErrorDescription
		}
		if body.ODataError != nil {
			return body.ODataError.text()
		}
		var e spError
		if len(body.Error) > 0 && json.Unmarshal(body.Error, &e) == nil && (e.Code != "" || e.message() != "") {
			return e.text()
		}
		var s string
		if json.Unmarshal(body.Error, &s) == nil && s != "" {
			return s
		}
	}
	text := strings.Join(strings.Fields(string(data)), " ")
	if len(text) > 200 {
		text = text[:200] + "..."
	}
	return text
}

// spError is an OData error: Graph's message is a string, SharePoint's
// {"value": "..."}.
type spError struct {
	Code    string          `json:"code"`
	Message json.RawMessage `json:"message"`
}

func (e spError) message() string {
	var s string
	if json.Unmarshal(e.Message, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(e.Message, &v) == nil {
		return v.Value
	}
	return ""
}

func (e spError) text() string {
	m := e.message()
	switch {
	case e.Code == "":
		return m
	case m == "":
		return e.Code
	}
	return e.Code + ": " + m
}

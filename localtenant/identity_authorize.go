package localtenant

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// authorize is GET/POST /{tenant}/oauth2/v2.0/authorize. There is no
// sign-in page: the default user (or the user named by login_hint) signs
// in and the code goes straight back to the redirect URI, as a query
// redirect, a fragment redirect, or an auto-submitting form_post page.
// Errors that must not be redirected (unknown client, redirect URI not
// registered) show an HTML error page, as the real service does.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	if !s.resolveTenant(r.PathValue("tenant")) {
		s.errorPage(w, newAADError(http.StatusBadRequest, "invalid_tenant", 90002, "Tenant '%s' not found.", r.PathValue("tenant")))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, newAADError(http.StatusBadRequest, "invalid_request", 900144, "The request could not be read: %v", err))
		return
	}
	q := r.Form
	clientID := q.Get("client_id")
	redirectURI := q.Get("redirect_uri")
	app, aerr := s.signInApp(clientID)
	if aerr != nil {
		s.errorPage(w, aerr)
		return
	}
	public, ok := matchRedirect(app, redirectURI)
	if !ok {
		s.errorPage(w, newAADError(http.StatusBadRequest, "invalid_request", 50011,
			"The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.", redirectURI, app.AppID))
		return
	}
	mode := q.Get("response_mode")
	if mode == "" {
		mode = "query"
	}
	state := q.Get("state")
	fail := func(e *aadError, oauthErr string) {
		if oauthErr == "" {
			oauthErr = e.err
		}
		body := e.body(r, hostOnly(r.Host), s.clock.now())
		s.respondRedirect(w, redirectURI, mode, url.Values{
			"error":             {oauthErr},
			"error_description": {body.ErrorDescription},
			"error_uri":         {body.ErrorURI},
			"state":             {state},
		})
	}
	if rt := q.Get("response_type"); rt != "code" {
		fail(newAADError(http.StatusBadRequest, "unsupported_response_type", 700054, "response_type '%s' is not enabled for the application; use 'code'.", rt), "")
		return
	}
	// The user: the login_hint, else the default user.
	upn := q.Get("login_hint")
	if upn == "" {
		upn = defaultUserName + "@" + s.domain
	}
	u, aerr := s.signInUser(upn, "invalid_request")
	if aerr != nil {
		s.errorPage(w, aerr)
		return
	}
	scope := q.Get("scope")
	s.read(func(st *Store) {
		sr, err := s.parseScopes(st, scope)
		if err != nil {
			aerr = err
			return
		}
		clientSP, _ := st.spByAppID(app.AppID, false)
		if aerr = st.userMayUse(u, clientSP, sr.Resource); aerr != nil {
			return
		}
		_, aerr = s.delegatedScopes(st, app, clientSP, u, sr)
	})
	if aerr != nil && aerr.code == 50105 {
		// Entra shows this on its own page: the app gets no answer.
		s.errorPage(w, aerr)
		return
	}
	if aerr != nil {
		oauthErr := ""
		if aerr.code == 65001 {
			oauthErr = "consent_required"
		}
		fail(aerr, oauthErr)
		return
	}
	challenge := q.Get("code_challenge")
	method := q.Get("code_challenge_method")
	if challenge != "" && method == "" {
		method = "plain"
	}
	if challenge != "" && !strings.EqualFold(method, "S256") && !strings.EqualFold(method, "plain") {
		fail(newAADError(http.StatusBadRequest, "invalid_request", 501491, "Invalid code_challenge_method '%s'.", method), "")
		return
	}
	code := s.flows.putCode(&authCode{
		clientID:     app.AppID,
		userID:       u.ID,
		redirectURI:  redirectURI,
		scopes:       strings.Fields(scope),
		challenge:    challenge,
		method:       method,
		nonce:        q.Get("nonce"),
		publicClient: public,
		expires:      s.clock.now().Add(10 * time.Minute),
	})
	s.respondRedirect(w, redirectURI, mode, url.Values{
		"code":          {code},
		"state":         {state},
		"session_state": {nameID("session", u.ID)},
	})
}

// matchRedirect finds redirectURI among the app's web, publicClient and
// spa redirect URIs and reports whether it is a public one. Loopback
// "http://localhost" URIs match any port, as the real service does.
func matchRedirect(a *Application, redirectURI string) (public, ok bool) {
	if redirectURI == "" {
		return false, false
	}
	sets := []struct {
		uris   []string
		public bool
	}{{a.Web.RedirectURIs, false}, {a.PublicClient.RedirectURIs, true}, {a.Spa.RedirectURIs, true}}
	// Exact matches first, then loopback URIs registered without a port,
	// then any loopback URI with the port ignored.
	for pass := 0; pass < 3; pass++ {
		for _, set := range sets {
			for _, reg := range set.uris {
				var hit bool
				switch pass {
				case 0:
					hit = reg == redirectURI
				case 1:
					u, err := url.Parse(reg)
					hit = err == nil && u.Port() == "" && redirectMatches(reg, redirectURI)
				case 2:
					hit = redirectMatches(reg, redirectURI)
				}
				if hit {
					return set.public, true
				}
			}
		}
	}
	return false, false
}

func redirectMatches(registered, got string) bool {
	if registered == got {
		return true
	}
	ru, err1 := url.Parse(registered)
	gu, err2 := url.Parse(got)
	if err1 != nil || err2 != nil {
		return false
	}
	if ru.Scheme != "http" || gu.Scheme != "http" {
		return false
	}
	loopback := func(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "[::1]" || h == "::1" }
	if !loopback(ru.Hostname()) || ru.Hostname() != gu.Hostname() {
		return false
	}
	norm := func(p string) string {
		if p == "" {
			return "/"
		}
		return p
	}
	return norm(ru.Path) == norm(gu.Path) && ru.RawQuery == gu.RawQuery
}

// respondRedirect sends values back to the redirect URI by response mode.
func (s *Server) respondRedirect(w http.ResponseWriter, redirectURI, mode string, values url.Values) {
	for k, v := range values {
		if len(v) == 0 || v[0] == "" {
			delete(values, k)
		}
	}
	switch mode {
	case "form_post":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		formPostPage.Execute(w, struct {
			Action string
			Values url.Values
		}{redirectURI, values})
	case "fragment":
		w.Header().Set("Location", redirectURI+"#"+values.Encode())
		w.WriteHeader(http.StatusFound)
	default:
		sep := "?"
		if strings.Contains(redirectURI, "?") {
			sep = "&"
		}
		w.Header().Set("Location", redirectURI+sep+values.Encode())
		w.WriteHeader(http.StatusFound)
	}
}

var formPostPage = template.Must(template.New("form_post").Parse(`<html><head><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="POST" name="hiddenform" action="{{.Action}}">
{{range $k, $vs := .Values}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}" />
{{end}}{{end}}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript>
</form></body></html>
`))

var errorPageTmpl = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html><head><title>Sign in to your account</title></head>
<body>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error">{{.Description}}</p>
<p>error: {{.Error}}</p>
</body></html>
`))

// errorPage shows an identity platform error that cannot be sent to the
// redirect URI.
func (s *Server) errorPage(w http.ResponseWriter, e *aadError) {
	body := e.body(nil, "", s.clock.now())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.status)
	errorPageTmpl.Execute(w, struct{ Description, Error string }{body.ErrorDescription, body.Error})
}

// deviceCode is POST /{tenant}/oauth2/v2.0/devicecode. The default user
// approves every device code; polls succeed from the second one.
func (s *Server) deviceCode(w http.ResponseWriter, r *http.Request) {
	if !s.checkTenant(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeAADError(w, r, newAADError(http.StatusBadRequest, "invalid_request", 900144, "The request body could not be read: %v", err))
		return
	}
	clientID := r.PostForm.Get("client_id")
	scope := r.PostForm.Get("scope")
	var app *Application
	var aerr *aadError
	var approver *User
	s.read(func(st *Store) {
		a, ok := st.clientApplication(clientID)
		if !ok {
			aerr = s.appNotFound(clientID)
			return
		}
		cp := *a
		app = &cp
		if _, err := s.parseScopes(st, scope); err != nil {
			aerr = err
			return
		}
		approver, _ = st.userByUPN(defaultUserName+"@"+s.domain, true)
	})
	if aerr != nil {
		s.writeAADError(w, r, aerr)
		return
	}
	now := s.clock.now()
	userCode := strings.ToUpper(randomToken()[:9])
	userCode = strings.NewReplacer("-", "K", "_", "P").Replace(userCode)
	d := &deviceCode{
		clientID: app.AppID,
		scopes:   strings.Fields(scope),
		userCode: userCode,
		issued:   now,
		expires:  now.Add(15 * time.Minute),
	}
	if approver != nil {
		d.userID = approver.ID
	}
	code := s.flows.putDevice(d)
	verify := "https://microsoft.com/devicelogin"
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code":        userCode,
		"device_code":      code,
		"verification_uri": verify,
		"expires_in":       900,
		"interval":         1,
		"message":          fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, userCode),
	})
}

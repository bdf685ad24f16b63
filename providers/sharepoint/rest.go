package sharepoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// REST calls SharePoint REST (/_api) of one site with a bearer token that
// the caller obtained: for a login check that is the application's own
// token (audience https://{tenant}.sharepoint.com), not the operator's.
// It sends Accept: application/json;odata=nometadata, so answers are plain
// JSON objects.
type REST struct {
	// HTTP carries the requests; build it on endpoint.Transport so the
	// local tenant is reached when ENTRAFORM_ENDPOINT is set. nil means
	// http.DefaultClient.
	HTTP *http.Client
	// Token is the access token sent as "Authorization: Bearer".
	Token string
}

// Web is the answer of /_api/web.
type Web struct {
	ID                string `json:"Id"`
	Title             string `json:"Title"`
	Description       string `json:"Description,omitempty"`
	URL               string `json:"Url"`
	ServerRelativeURL string `json:"ServerRelativeUrl"`
}

// CurrentUser is the answer of /_api/web/currentuser: the signed-in user,
// or the application principal of an app-only token
// (LoginName "i:0i.t|ms.sp.ext|{appid}@{tenant}").
type CurrentUser struct {
	ID          int    `json:"Id"`
	Title       string `json:"Title"`
	Email       string `json:"Email"`
	LoginName   string `json:"LoginName"`
	IsSiteAdmin bool   `json:"IsSiteAdmin"`
}

// RESTError is a SharePoint REST answer with a status of 400 or more.
type RESTError struct {
	StatusCode int
	// Code is the error code of the body ("-2147024891,
	// System.UnauthorizedAccessException", "invalid_request", ...), if any.
	Code string
	// Message is the service's explanation, e.g. "Unsupported app only
	// token." (app-only token from a client secret) or "Invalid issuer or
	// signature." (a token for another audience).
	Message string
	// RequestID is SharePoint's id of the request (SPRequestGuid).
	RequestID string
	URL       string
}

func (e *RESTError) Error() string {
	msg := fmt.Sprintf("GET %s: %d", e.URL, e.StatusCode)
	if e.Code != "" {
		msg += " " + e.Code
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.RequestID != "" {
		msg += " (request-id " + e.RequestID + ")"
	}
	return msg
}

// Web reads GET {siteURL}/_api/web.
func (r REST) Web(ctx context.Context, siteURL string) (*Web, error) {
	var w Web
	if err := r.Get(ctx, siteURL, "/_api/web", &w); err != nil {
		return nil, err
	}
	return &w, nil
}

// CurrentUser reads GET {siteURL}/_api/web/currentuser.
func (r REST) CurrentUser(ctx context.Context, siteURL string) (*CurrentUser, error) {
	var u CurrentUser
	if err := r.Get(ctx, siteURL, "/_api/web/currentuser", &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Get reads {siteURL}{apiPath} into out. siteURL must be an https URL of a
// site ("https://contoso.sharepoint.com/sites/hr"); apiPath starts with
// "/_api/". A status of 400 or more is a *RESTError.
func (r REST) Get(ctx context.Context, siteURL, apiPath string, out any) error {
	u, err := restURL(siteURL, apiPath)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json;odata=nometadata")
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	hc := r.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("GET %s: reading the answer: %w", u, err)
	}
	if resp.StatusCode >= 400 {
		return newRESTError(u, resp, body)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("GET %s: decoding the answer: %w", u, err)
	}
	return nil
}

// restURL joins a site URL and an /_api path, refusing anything but an
// https URL with a host (a token must not travel in clear or to nowhere).
func restURL(siteURL, apiPath string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil {
		return "", fmt.Errorf("SharePoint site URL %q: %w", siteURL, err)
	}
	if u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("SharePoint site URL %q: want https://{host}/{path}", siteURL)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimRight(u.Path, "/") + "/" + strings.TrimLeft(apiPath, "/")
	u.RawPath = ""
	return u.String(), nil
}

// newRESTError decodes the error shapes SharePoint uses:
//
//	{"error_description":"..."}                              (token refused)
//	{"odata.error":{"code":"...","message":{"value":"..."}}} (nometadata)
//	{"error":{"code":"...","message":{"value":"..."}}}       (verbose)
//	{"error":{"code":"...","message":"..."}}
//	{"error":"invalid_request","error_description":"..."}
func newRESTError(u string, resp *http.Response, body []byte) *RESTError {
	e := &RESTError{StatusCode: resp.StatusCode, URL: u, RequestID: resp.Header.Get("SPRequestGuid")}
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("request-id")
	}
	var shape struct {
		Error       json.RawMessage `json:"error"`
		ODataError  json.RawMessage `json:"odata.error"`
		Description string          `json:"error_description"`
	}
	if json.Unmarshal(body, &shape) != nil {
		e.Message = oneLine(body)
		return e
	}
	obj := shape.ODataError
	if len(bytes.TrimSpace(obj)) == 0 {
		obj = shape.Error
	}
	var inner struct {
		Code    string          `json:"code"`
		Message json.RawMessage `json:"message"`
	}
	var code string
	switch {
	case len(obj) > 0 && obj[0] == '{' && json.Unmarshal(obj, &inner) == nil:
		e.Code = inner.Code
		e.Message = messageText(inner.Message)
	case len(shape.Error) > 0 && json.Unmarshal(shape.Error, &code) == nil:
		e.Code = code
	}
	if e.Message == "" {
		e.Message = shape.Description
	}
	if e.Message == "" && e.Code == "" {
		e.Message = oneLine(body)
	}
	return e
}

// messageText reads a message that is a string or {"lang":..,"value":..}.
func messageText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var v struct {
		Value string `json:"value"`
	}
	if json.Unmarshal(raw, &v) == nil {
		return v.Value
	}
	return ""
}

func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

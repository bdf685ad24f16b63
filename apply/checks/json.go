package checks

import (
	"encoding/json"
	"io"
	"time"
)

// FormatVersion is the version of WriteJSON's document. The minor
// version grows when fields are added; the major one when a field changes
// meaning or goes away.
const FormatVersion = "1.0"

type jsonDoc struct {
	FormatVersion string      `json:"format_version"`
	OK            bool        `json:"ok"`
	Passed        int         `json:"passed"`
	Failed        int         `json:"failed"`
	Checks        []jsonCheck `json:"checks"`
}

type jsonCheck struct {
	Address     string        `json:"address"`
	Flow        string        `json:"flow,omitempty"`
	Application string        `json:"application,omitempty"`
	OK          bool          `json:"ok"`
	Attempts    int           `json:"attempts"`
	DurationMS  int64         `json:"duration_ms"`
	Token       *jsonClaims   `json:"token"`
	Refused     string        `json:"refused,omitempty"`
	Requests    []jsonRequest `json:"requests"`
	Problems    []jsonProblem `json:"problems"`
}

type jsonClaims struct {
	Audience string   `json:"aud"`
	AppID    string   `json:"appid"`
	TenantID string   `json:"tid"`
	IDType   string   `json:"idtyp"`
	Roles    []string `json:"roles"`
	Scopes   []string `json:"scp"`
	User     string   `json:"upn,omitempty"`
	AppIDACR string   `json:"appidacr,omitempty"`
	Expires  string   `json:"exp,omitempty"`
}

type jsonRequest struct {
	Name       string `json:"name"`
	Method     string `json:"method"`
	URL        string `json:"url"`
	Status     int    `json:"status"`
	Want       int    `json:"want_status"`
	OK         bool   `json:"ok"`
	Error      string `json:"error,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

type jsonProblem struct {
	Code    string `json:"code"`
	Request string `json:"request,omitempty"`
	Message string `json:"message"`
	Detail  string `json:"detail,omitempty"`
}

// WriteJSON writes the results as a versioned JSON document:
// {"format_version":"1.0","ok":...,"passed":N,"failed":N,"checks":[...]}.
// It carries claims, never tokens or secrets.
func WriteJSON(w io.Writer, results []Result) error {
	doc := jsonDoc{FormatVersion: FormatVersion, OK: true, Checks: []jsonCheck{}}
	for _, r := range results {
		if r.OK {
			doc.Passed++
		} else {
			doc.Failed++
			doc.OK = false
		}
		jc := jsonCheck{
			Address: r.Address, Flow: r.Flow, Application: r.Application, OK: r.OK,
			Attempts: r.Attempts, DurationMS: r.Duration.Milliseconds(), Refused: r.Refused,
			Requests: []jsonRequest{}, Problems: []jsonProblem{},
		}
		if r.Claims.Audience != "" || r.Claims.AppID != "" {
			c := r.Claims
			jc.Token = &jsonClaims{
				Audience: c.Audience, AppID: c.AppID, TenantID: c.TenantID, IDType: c.IDType,
				Roles: nonNil(c.Roles), Scopes: nonNil(c.Scopes), User: c.User, AppIDACR: c.AppIDACR,
			}
			if !c.Expires.IsZero() {
				jc.Token.Expires = c.Expires.UTC().Format(time.RFC3339)
			}
		}
		for _, q := range r.Requests {
			jc.Requests = append(jc.Requests, jsonRequest{
				Name: q.Name, Method: q.Method, URL: q.URL, Status: q.Status, Want: q.Want,
				OK: q.OK, Error: q.Error, DurationMS: q.Duration.Milliseconds(),
			})
		}
		for _, p := range r.Problems {
			jc.Problems = append(jc.Problems, jsonProblem{Code: p.Code, Request: p.Request, Message: p.Message, Detail: p.Detail})
		}
		doc.Checks = append(doc.Checks, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

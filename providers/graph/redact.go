package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"regexp"
	"strings"
)

const redacted = "REDACTED"

// sensitiveFields are field names whose values never reach a log, compared
// in lower case without '_' and '-'.
var sensitiveFields = map[string]bool{
	"secrettext":      true,
	"clientsecret":    true,
	"clientassertion": true,
	"assertion":       true,
	"key":             true,
	"privatekey":      true,
	"password":        true,
	"secret":          true,
	"accesstoken":     true,
	"refreshtoken":    true,
	"idtoken":         true,
	"token":           true,
	"devicecode":      true,
	"authorization":   true,
}

func isSensitive(name string) bool {
	n := strings.ToLower(name)
	n = strings.NewReplacer("_", "", "-", "").Replace(n)
	return sensitiveFields[n]
}

// isSensitiveParam also covers "code", an OAuth authorization code in a
// query or form (in JSON, "code" is an error code and stays).
func isSensitiveParam(name string) bool {
	return isSensitive(name) || strings.EqualFold(name, "code")
}

// jwtPattern matches anything shaped like a JWS (header.payload.signature
// with a JSON header), wherever it appears.
var jwtPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`)

func redactJWTs(s string) string { return jwtPattern.ReplaceAllString(s, redacted) }

// redactURL replaces the values of sensitive query parameters.
func redactURL(u *url.URL) string {
	if u.RawQuery == "" {
		return redactJWTs(u.String())
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return redactJWTs(u.String())
	}
	changed := false
	for k := range q {
		if isSensitiveParam(k) {
			q[k] = []string{redacted}
			changed = true
		}
	}
	if !changed {
		return redactJWTs(u.String())
	}
	c := *u
	c.RawQuery = q.Encode()
	return redactJWTs(c.String())
}

// redactBody renders a body for the log with secrets removed: JSON and form
// bodies field by field, anything else by its size only.
func redactBody(contentType string, body []byte, limit int) string {
	if len(body) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	var out string
	switch {
	case mt == "application/x-www-form-urlencoded":
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Sprintf("[%d bytes of unreadable form data]", len(body))
		}
		for k := range q {
			if isSensitiveParam(k) {
				q[k] = []string{redacted}
			}
		}
		out = q.Encode()
	case mt == "" || mt == "application/json" || strings.HasSuffix(mt, "+json") || json.Valid(body):
		r, ok := redactJSON(body)
		if !ok {
			return fmt.Sprintf("[%d bytes of %s]", len(body), orUnknown(mt))
		}
		out = string(r)
	default:
		return fmt.Sprintf("[%d bytes of %s]", len(body), mt)
	}
	out = redactJWTs(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit] + fmt.Sprintf("... [%d bytes in all]", len(body))
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown content"
	}
	return s
}

func redactJSON(body []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	v = redactValue(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, false
	}
	return bytes.TrimSpace(buf.Bytes()), true
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if isSensitive(k) && val != nil {
				x[k] = redacted
				continue
			}
			x[k] = redactValue(val)
		}
		return x
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
		return x
	case string:
		return redactJWTs(x)
	}
	return v
}

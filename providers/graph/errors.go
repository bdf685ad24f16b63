package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error is a Graph or SharePoint answer with a status of 400 or more.
type Error struct {
	StatusCode int
	// Code is the OData error code (Request_ResourceNotFound,
	// Authorization_RequestDenied, accessDenied, ...), or the status text
	// when the body carried none.
	Code string
	// Message is the service's explanation.
	Message string
	// RequestID is the service's id of the request (request-id,
	// x-ms-request-id), for support cases.
	RequestID string
	Method    string
	URL       string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request-id %s)", e.RequestID)
	}
	return b.String()
}

// StatusCode is the HTTP status of the *Error in err's chain, or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsForbidden reports whether err is a 403 answer.
func IsForbidden(err error) bool { return StatusCode(err) == http.StatusForbidden }

// IsThrottled reports whether err is a 429 answer (retries ran out).
func IsThrottled(err error) bool { return StatusCode(err) == http.StatusTooManyRequests }

// IsReplicationError reports whether err is one of the errors Entra ID
// gives while a new object replicates (see RetryReplication).
func IsReplicationError(err error) bool {
	var e *Error
	return errors.As(err, &e) && isReplication(e.StatusCode, e.Code, e.Message)
}

// newError decodes an error answer. Shapes understood:
//
//	Graph:       {"error":{"code":"...","message":"...","innerError":{"request-id":"..."}}}
//	SharePoint:  {"odata.error":{"code":"...","message":{"lang":"en-US","value":"..."}}}
//	             {"error":{"code":"...","message":{"value":"..."}}}   (odata=verbose)
//	OAuth-ish:   {"error":"invalid_token","error_description":"..."}
//	anything else: the start of the body as the message.
func newError(method, url string, status int, header http.Header, body []byte) *Error {
	e := &Error{StatusCode: status, Method: method, URL: url, RequestID: requestIDOf(header)}
	var shapes struct {
		Error       json.RawMessage `json:"error"`
		ODataError  json.RawMessage `json:"odata.error"`
		Description string          `json:"error_description"`
		Message     string          `json:"message"`
	}
	decoded := json.Unmarshal(body, &shapes) == nil
	if decoded {
		obj := shapes.Error
		if len(obj) == 0 || obj[0] != '{' {
			obj = shapes.ODataError
		}
		if len(obj) > 0 && obj[0] == '{' {
			var inner struct {
				Code       string          `json:"code"`
				Message    json.RawMessage `json:"message"`
				InnerError struct {
					RequestID string `json:"request-id"`
				} `json:"innerError"`
			}
			if json.Unmarshal(obj, &inner) == nil {
				e.Code = inner.Code
				e.Message = messageText(inner.Message)
				if e.RequestID == "" {
					e.RequestID = inner.InnerError.RequestID
				}
			}
		} else if len(shapes.Error) > 0 {
			var code string
			if json.Unmarshal(shapes.Error, &code) == nil {
				e.Code = code
			}
			e.Message = shapes.Description
		} else if shapes.Description != "" {
			e.Message = shapes.Description
		} else if shapes.Message != "" {
			e.Message = shapes.Message
		}
	}
	if e.Code == "" && e.Message == "" {
		if !decoded {
			e.Message = snippet(body)
		}
	}
	if e.Code == "" {
		e.Code = strings.ReplaceAll(http.StatusText(status), " ", "")
	}
	return e
}

// messageText reads a message that is a string or {"value":"..."}.
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

func requestIDOf(h http.Header) string {
	for _, k := range []string{"x-ms-request-id", "request-id", "SPRequestGuid"} {
		if v := h.Get(k); v != "" {
			return v
		}
	}
	return ""
}

// snippet is the start of a non-JSON body, on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

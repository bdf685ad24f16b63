package localtenant

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Graph error codes used by the routes.
const (
	CodeNotFound         = "Request_ResourceNotFound"    // 404
	CodeBadRequest       = "Request_BadRequest"          // 400
	CodeAuthDenied       = "Authorization_RequestDenied" // 403, directory objects
	CodeAccessDenied     = "accessDenied"                // 403, sites
	CodeInvalidToken     = "InvalidAuthenticationToken"  // 401
	CodeTooManyRequests  = "TooManyRequests"             // 429
	CodeNotImplemented   = "NotImplemented"              // 501, no such route here
	CodeServiceNotAvail  = "serviceNotAvailable"         // 503
	CodeGeneralException = "generalException"            // 500
	CodeGatewayTimeout   = "gatewayTimeout"              // 504
	CodeItemNotFound     = "itemNotFound"                // 404, sites
	CodeInvalidRequest   = "invalidRequest"              // 400, sites
	CodeConflict         = "Request_MultipleObjectsWithSameKeyValue"
)

// Messages Graph sends with the 403 codes.
const (
	msgInsufficientPrivileges = "Insufficient privileges to complete the operation."
	msgAccessDenied           = "Access denied"
)

// ODataError is the body of every Graph error:
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.
type ODataError struct {
	Error ODataErrorDetail `json:"error"`
}

// ODataErrorDetail is ODataError.error.
type ODataErrorDetail struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError ODataInnerError `json:"innerError"`
}

// ODataInnerError carries the request ids Graph echoes.
type ODataInnerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// odataError builds the error body for a request (r may be nil).
func odataError(r *http.Request, now time.Time, code, message string) ODataError {
	reqID := newID()
	clientID := reqID
	if r != nil {
		if v := r.Header.Get("client-request-id"); v != "" {
			clientID = v
		}
	}
	return ODataError{Error: ODataErrorDetail{
		Code:    code,
		Message: message,
		InnerError: ODataInnerError{
			Date:            now.UTC().Format("2006-01-02T15:04:05"),
			RequestID:       reqID,
			ClientRequestID: clientID,
		},
	}}
}

// writeODataError answers a Graph or SharePoint-via-Graph request with a
// Graph error body.
func (s *Server) writeODataError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	body := odataError(r, s.clock.now(), code, message)
	w.Header().Set("request-id", body.Error.InnerError.RequestID)
	w.Header().Set("client-request-id", body.Error.InnerError.ClientRequestID)
	writeJSON(w, status, body)
}

// writeNotFound is the 404 Graph sends for a missing directory object.
func (s *Server) writeNotFound(w http.ResponseWriter, r *http.Request, id string) {
	s.writeODataError(w, r, http.StatusNotFound, CodeNotFound,
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
}

// writeJSON marshals v with the Graph content type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "localtenant: encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// AADError is the identity platform's error body.
type AADError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
	Suberror         string `json:"suberror,omitempty"`
	Claims           string `json:"claims,omitempty"`
}

// aadError is an identity platform failure: the OAuth error, the AADSTS
// code (0 for device-code polling states, which carry their own code)
// and the message, plus the HTTP status.
type aadError struct {
	status  int
	err     string // invalid_client, invalid_grant, ...
	code    int    // 7000215, ...
	message string // without the "AADSTSnnnn: " prefix
}

func (e *aadError) Error() string {
	return fmt.Sprintf("AADSTS%d: %s", e.code, e.message)
}

func newAADError(status int, oauthErr string, code int, format string, args ...any) *aadError {
	return &aadError{status: status, err: oauthErr, code: code, message: fmt.Sprintf(format, args...)}
}

// body renders the error as login.microsoftonline.com does, with the
// trace, correlation id and timestamp in both the description and fields.
func (e *aadError) body(r *http.Request, host string, now time.Time) AADError {
	trace := newID()
	corr := newID()
	if r != nil {
		if v := r.Header.Get("client-request-id"); v != "" {
			corr = v
		}
	}
	ts := now.UTC().Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", e.code, e.message, trace, corr, ts)
	if host == "" {
		host = "login.microsoftonline.com"
	}
	return AADError{
		Error:            e.err,
		ErrorDescription: desc,
		ErrorCodes:       []int{e.code},
		Timestamp:        ts,
		TraceID:          trace,
		CorrelationID:    corr,
		ErrorURI:         fmt.Sprintf("https://%s/error?code=%d", host, e.code),
	}
}

// writeAADError answers an identity platform request with its error JSON.
func (s *Server) writeAADError(w http.ResponseWriter, r *http.Request, e *aadError) {
	host := ""
	if r != nil {
		host = hostOnly(r.Host)
	}
	body := e.body(r, host, s.clock.now())
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, e.status, body)
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorDecoding(t *testing.T) {
	const u = "https://graph.microsoft.com/v1.0/applications/x"
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   Error
	}{
		{
			name:   "Graph OData error with request id in the header",
			status: 404,
			header: http.Header{"Request-Id": {"hdr-id"}},
			body:   `{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2026-03-01T12:00:00","request-id":"inner-id","client-request-id":"c"}}}`,
			want: Error{StatusCode: 404, Code: "Request_ResourceNotFound",
				Message:   "Resource 'x' does not exist or one of its queried reference-property objects are not present.",
				RequestID: "hdr-id", Method: "GET", URL: u},
		},
		{
			name:   "x-ms-request-id",
			status: 403,
			header: http.Header{"X-Ms-Request-Id": {"ms-id"}},
			body:   `{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}`,
			want: Error{StatusCode: 403, Code: "Authorization_RequestDenied", Message: "Insufficient privileges to complete the operation.",
				RequestID: "ms-id", Method: "GET", URL: u},
		},
		{
			name:   "request id only in innerError",
			status: 400,
			body:   `{"error":{"code":"Request_BadRequest","message":"Invalid object identifier 'x'.","innerError":{"request-id":"inner-id"}}}`,
			want:   Error{StatusCode: 400, Code: "Request_BadRequest", Message: "Invalid object identifier 'x'.", RequestID: "inner-id", Method: "GET", URL: u},
		},
		{
			name:   "SharePoint nometadata",
			status: 403,
			header: http.Header{"Sprequestguid": {"sp-guid"}},
			body:   `{"odata.error":{"code":"-2147024891, System.UnauthorizedAccessException","message":{"lang":"en-US","value":"Access denied."}}}`,
			want: Error{StatusCode: 403, Code: "-2147024891, System.UnauthorizedAccessException", Message: "Access denied.",
				RequestID: "sp-guid", Method: "GET", URL: u},
		},
		{
			name:   "SharePoint verbose",
			status: 404,
			body:   `{"error":{"code":"-2130575338, Microsoft.SharePoint.SPException","message":{"lang":"en-US","value":"The file does not exist."}}}`,
			want:   Error{StatusCode: 404, Code: "-2130575338, Microsoft.SharePoint.SPException", Message: "The file does not exist.", Method: "GET", URL: u},
		},
		{
			name:   "SharePoint refusing an app-only secret token",
			status: 401,
			body:   `{"error_description":"Unsupported app only token."}`,
			want:   Error{StatusCode: 401, Code: "Unauthorized", Message: "Unsupported app only token.", Method: "GET", URL: u},
		},
		{
			name:   "OAuth style",
			status: 401,
			body:   `{"error":"invalid_token","error_description":"Invalid issuer or signature."}`,
			want:   Error{StatusCode: 401, Code: "invalid_token", Message: "Invalid issuer or signature.", Method: "GET", URL: u},
		},
		{
			name:   "HTML from a gateway",
			status: 502,
			body:   "<html>\n<body>Bad   Gateway</body></html>",
			want:   Error{StatusCode: 502, Code: "BadGateway", Message: "<html> <body>Bad Gateway</body></html>", Method: "GET", URL: u},
		},
		{
			name:   "empty body",
			status: 409,
			want:   Error{StatusCode: 409, Code: "Conflict", Method: "GET", URL: u},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := newError("GET", u, tt.status, tt.header, []byte(tt.body))
			if diff := cmp.Diff(tt.want, *got); diff != "" {
				t.Errorf("Error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrorHelpers(t *testing.T) {
	wrap := func(status int) error {
		return fmt.Errorf("reading app: %w", &Error{StatusCode: status})
	}
	tests := []struct {
		err                                     error
		notFound, conflict, forbidden, throttle bool
	}{
		{wrap(404), true, false, false, false},
		{wrap(409), false, true, false, false},
		{wrap(403), false, false, true, false},
		{wrap(429), false, false, false, true},
		{errors.New("plain"), false, false, false, false},
		{nil, false, false, false, false},
	}
	for _, tt := range tests {
		got := [4]bool{IsNotFound(tt.err), IsConflict(tt.err), IsForbidden(tt.err), IsThrottled(tt.err)}
		want := [4]bool{tt.notFound, tt.conflict, tt.forbidden, tt.throttle}
		if got != want {
			t.Errorf("%v: helpers = %v; want %v", tt.err, got, want)
		}
	}
	e := &Error{StatusCode: 404, Code: "Request_ResourceNotFound", Message: "gone", RequestID: "r1", Method: "GET", URL: "https://graph.microsoft.com/v1.0/x"}
	if want := "GET https://graph.microsoft.com/v1.0/x: 404 Request_ResourceNotFound: gone (request-id r1)"; e.Error() != want {
		t.Errorf("Error() = %q; want %q", e.Error(), want)
	}
}

func TestErrorFromServer(t *testing.T) {
	c, _ := testClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("request-id", "srv-id")
		writeJSON(w, 404, odataError("Request_ResourceNotFound", "Resource 'abc' does not exist"))
	}))
	_, err := c.Do(context.Background(), "DELETE", "/applications/abc", nil, nil)
	var ge *Error
	if !errors.As(err, &ge) {
		t.Fatalf("error %v is not a *Error", err)
	}
	want := Error{StatusCode: 404, Code: "Request_ResourceNotFound", Message: "Resource 'abc' does not exist",
		RequestID: "srv-id", Method: "DELETE", URL: "https://graph.microsoft.com/v1.0/applications/abc"}
	if diff := cmp.Diff(want, *ge); diff != "" {
		t.Errorf("Error (-want +got):\n%s", diff)
	}
	if !IsNotFound(err) {
		t.Error("IsNotFound = false")
	}
}

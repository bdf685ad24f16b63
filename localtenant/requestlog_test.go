package localtenant

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestErrorCodeOf(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"graph", `{"error":{"code":"Request_ResourceNotFound","message":"..."}}`, "Request_ResourceNotFound"},
		{"identity platform", `{"error":"invalid_client","error_description":"AADSTS7000215: ...","error_codes":[7000215]}`, "AADSTS7000215"},
		{"oauth error without codes", `{"error":"invalid_request"}`, "invalid_request"},
		{"resource manager", `{"error":{"code":"MissingApiVersionParameter","message":"..."}}`, "MissingApiVersionParameter"},
		{"sharepoint", `{"odata.error":{"code":"-2147024891, System.UnauthorizedAccessException","message":{"lang":"en-US","value":"..."}}}`, "-2147024891, System.UnauthorizedAccessException"},
		{"sharepoint 401", `{"error_description":"Unsupported app only token."}`, ""},
		{"html without a code", `<html>`, ""},
		{"sign-in error page", `<html><body><p>AADSTS700016: Application with identifier 'x' was not found</p></body></html>`, "AADSTS700016"},
		{"empty", ``, ""},
	} {
		if got := errorCodeOf([]byte(tt.body)); got != tt.want {
			t.Errorf("%s: errorCodeOf = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The log line of a failed request carries its query and error code.
func TestRequestLogErrors(t *testing.T) {
	var buf bytes.Buffer
	s := start(t, Options{RequestLog: &lockedWriter{w: &buf}})
	op := operator(t, s)
	op.do("GET", "/applications?$top=1000", nil)
	tokenCall(t, s, "/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"00000000-0000-0000-0000-00000000000a"}, "client_secret": {"x"}, "scope": {"https://graph.microsoft.com/.default"}})
	rawGet(t, s, "https://login.microsoftonline.com/"+s.TenantID()+"/oauth2/v2.0/authorize?client_id=00000000-0000-0000-0000-00000000000a&response_type=code&scope=openid")
	var got []RequestRecord
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n")[1:] { // after the operator's token
		var rec RequestRecord
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		rec.Ms = 0
		got = append(got, rec)
	}
	want := []RequestRecord{
		{Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/applications", Query: "$top=1000", Status: 400, Error: CodeBadRequest},
		{Method: "POST", Host: "login.microsoftonline.com", Path: "/" + s.TenantID() + "/oauth2/v2.0/token", Status: 400, Error: "AADSTS700016"},
		{Method: "GET", Host: "login.microsoftonline.com", Path: "/" + s.TenantID() + "/oauth2/v2.0/authorize", Query: "client_id=00000000-0000-0000-0000-00000000000a&response_type=code&scope=openid", Status: 400, Error: "AADSTS700016"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
}

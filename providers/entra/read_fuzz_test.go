package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/providers/graph"
)

// The answers of a small, well-formed workspace: one application with a
// secret, a certificate and Graph permissions, its service principal, a
// grant and a role assignment.
const (
	fakeAppID = "aaaaaaaa-0000-0000-0000-000000000001"
	fakeApps  = `{"value":[{"id":"app-1","appId":"` + fakeAppID + `","displayName":"A","uniqueName":"entraform.w.a",
"tags":["entraform:managed","entraform:workspace:w","entraform:address:application.a"],
"requiredResourceAccess":[{"resourceAppId":"` + GraphAppID + `","resourceAccess":[{"id":"r1","type":"Role"}]}],
"passwordCredentials":[{"keyId":"k1","displayName":"main","endDateTime":"2027-01-01T00:00:00Z","hint":"abc"}],
"keyCredentials":[{"keyId":"k2","displayName":"cert","customKeyIdentifier":"AB12","type":"AsymmetricX509Cert","usage":"Verify"}],
"federatedIdentityCredentials":[{"id":"f1","name":"gh","issuer":"https://token.actions.githubusercontent.com","subject":"repo:a/b:ref:refs/heads/main","audiences":["api://AzureADTokenExchange"]}]}]}`
	fakeSPs   = `{"value":[{"id":"sp-1","appId":"` + fakeAppID + `","displayName":"A","tags":["entraform:managed","entraform:workspace:w"]}]}`
	fakeGraph = `{"id":"sp-graph","appId":"` + GraphAppID + `","displayName":"Microsoft Graph","appRoles":[{"id":"r1","value":"Sites.Read.All"}],"oauth2PermissionScopes":[{"id":"s1","value":"User.Read"}]}`
	fakeSPO   = `{"id":"sp-spo","appId":"` + SharePointAppID + `","displayName":"Office 365 SharePoint Online"}`
	fakeGrant = `{"value":[{"id":"g1","clientId":"sp-1","resourceId":"sp-graph","consentType":"AllPrincipals","scope":"User.Read"}]}`
	fakeRole  = `{"value":[{"id":"as1","principalId":"sp-1","resourceId":"sp-graph","appRoleId":"r1"}]}`
)

// answer kinds a hostile answer can replace.
const (
	hostileAppList = iota
	hostileSPList
	hostileBatch
	hostileResourceItem
	hostileGrantsItem
	hostileAssignmentsItem
	hostileFederatedItem
	hostileKinds
)

// hostileGraph is a Graph that answers Read's requests for the workspace
// above, except one kind of answer, which it replaces with body/status.
type hostileGraph struct {
	kind   int
	status int
	body   []byte
}

func (h *hostileGraph) RoundTrip(r *http.Request) (*http.Response, error) {
	status, body := 200, []byte(`{}`)
	path := r.URL.Path
	switch {
	case path == "/v1.0/applications":
		status, body = h.pick(hostileAppList, 200, fakeApps)
	case path == "/v1.0/servicePrincipals":
		status, body = h.pick(hostileSPList, 200, fakeSPs)
	case path == "/v1.0/$batch":
		status, body = h.batch(r)
	default:
		status, body = 404, []byte(`{"error":{"code":"Request_ResourceNotFound","message":"no"}}`)
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

func (h *hostileGraph) pick(kind, status int, body string) (int, []byte) {
	if h.kind == kind {
		return h.status, h.body
	}
	return status, []byte(body)
}

func (h *hostileGraph) batch(r *http.Request) (int, []byte) {
	if h.kind == hostileBatch {
		return h.status, h.body
	}
	var in struct {
		Requests []struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"requests"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return 400, []byte(`{"error":{"code":"BadRequest","message":"bad batch"}}`)
	}
	var out bytes.Buffer
	out.WriteString(`{"responses":[`)
	for i, q := range in.Requests {
		status, body := 404, []byte(`{"error":{"code":"Request_ResourceNotFound","message":"no"}}`)
		switch {
		case strings.Contains(q.URL, GraphAppID):
			status, body = h.pick(hostileResourceItem, 200, fakeGraph)
		case strings.Contains(q.URL, SharePointAppID):
			status, body = 200, []byte(fakeSPO)
		case strings.HasPrefix(q.URL, "/oauth2PermissionGrants"):
			status, body = h.pick(hostileGrantsItem, 200, fakeGrant)
		case strings.HasSuffix(q.URL, "/appRoleAssignments"):
			status, body = h.pick(hostileAssignmentsItem, 200, fakeRole)
		case strings.HasSuffix(q.URL, "/federatedIdentityCredentials"):
			status, body = h.pick(hostileFederatedItem, 200, `{"value":[]}`)
		}
		if i > 0 {
			out.WriteByte(',')
		}
		if !json.Valid(body) {
			body, _ = json.Marshal(string(body))
		}
		fmt.Fprintf(&out, `{"id":%q,"status":%d,"body":%s}`, q.ID, status, body)
	}
	out.WriteString(`]}`)
	return 200, out.Bytes()
}

// readHostile runs Read against a Graph whose answer of one kind is
// replaced. Throttling and server errors are not retried (MaxRetries < 0).
func readHostile(kind, status int, body []byte) (*Snapshot, error) {
	g, err := graph.New(graph.Options{
		Tokens: auth.TokenSourceFunc(func(context.Context, []string) (auth.Token, error) {
			return auth.Token{Value: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
		}),
		HTTPClient: &http.Client{Transport: &hostileGraph{kind: kind, status: status, body: body}},
		MaxRetries: -1,
		Sleep:      func(context.Context, time.Duration) error { return nil },
	})
	if err != nil {
		return nil, err
	}
	return New(g, Options{}).Read(context.Background(), ReadRequest{Workspace: "w"})
}

// TestReadHostileAnswers: answers Graph would never send (null items,
// wrong types, missing fields, error statuses) end a Read with an error
// that names what was being read, or are ignored where they mean nothing;
// they never panic.
func TestReadHostileAnswers(t *testing.T) {
	if snap, err := readHostile(-1, 0, nil); err != nil || len(snap.Applications) != 1 || len(snap.Grants) != 1 || len(snap.Assignments) != 1 {
		t.Fatalf("the well-formed workspace: %+v, %v", snap, err)
	}
	tests := []struct {
		kind   int
		status int
		body   string
		want   string // error substring; "" for no error
	}{
		{hostileAppList, 200, `{"value":[null]}`, ""},
		{hostileAppList, 200, `{"value":[{"id":5}]}`, "listing the applications of workspace \"w\""},
		{hostileAppList, 200, `{"value":[{"id":"x","passwordCredentials":{"keyId":"k"}}]}`, "cannot unmarshal object"},
		{hostileAppList, 200, `{"value":[{"id":"x","federatedIdentityCredentials":"none"}]}`, "cannot unmarshal string"},
		{hostileAppList, 500, `oops`, "500"},
		{hostileSPList, 200, `{"value":[null]}`, ""},
		{hostileSPList, 200, `{"value":[{"id":"sp-2"},{"appId":null}]}`, ""},
		{hostileSPList, 200, `[]`, "listing the service principals of workspace \"w\""},
		{hostileBatch, 200, `{"responses":null}`, "no response for request"},
		{hostileBatch, 200, `{"responses":[{"id":"0","status":"200"}]}`, "cannot unmarshal string"},
		{hostileResourceItem, 200, `null`, ""},
		{hostileResourceItem, 200, `{"appRoles":"all"}`, "reading the service principal of resource"},
		{hostileGrantsItem, 200, `{"value":[null,{"clientId":"sp-1","id":7}]}`, "decoding a grant"},
		{hostileGrantsItem, 200, `{"value":[],"@odata.nextLink":"https://evil.example.org/x"}`, "refusing to call https://evil.example.org"},
		{hostileAssignmentsItem, 200, `{"value":"x"}`, "reading /servicePrincipals/sp-1/appRoleAssignments"},
		{hostileAssignmentsItem, 403, `{"error":{"code":"Authorization_RequestDenied","message":"no"}}`, "403 Authorization_RequestDenied"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d/%s", tt.kind, tt.body), func(t *testing.T) {
			_, err := readHostile(tt.kind, tt.status, []byte(tt.body))
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v; want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v; want one containing %q", err, tt.want)
			}
		})
	}
}

// FuzzReadAnswers replaces one kind of answer of a refresh with arbitrary
// bytes and status. Read may fail, but with a message, and never panics.
//
//	go test ./providers/entra -run '^$' -fuzz FuzzReadAnswers -fuzztime 2m
func FuzzReadAnswers(f *testing.F) {
	for kind, body := range []string{fakeApps, fakeSPs, `{"responses":[]}`, fakeGraph, fakeGrant, fakeRole, `{"value":[]}`} {
		f.Add(uint8(kind), uint16(200), []byte(body))
	}
	f.Add(uint8(hostileSPList), uint16(200), []byte(`{"value":[null]}`))
	f.Add(uint8(hostileBatch), uint16(429), []byte(`{"error":{"code":"TooManyRequests"}}`))
	f.Fuzz(func(t *testing.T, kind uint8, status uint16, body []byte) {
		st := 100 + int(status)%500
		_, err := readHostile(int(kind)%hostileKinds, st, body)
		if err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("Read failed with an empty error")
		}
	})
}

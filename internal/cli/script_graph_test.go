package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/entraform/entraform/localtenant"
)

// tenantKey finds a script's local tenant in its testscript values.
type tenantKey struct{}

// scriptTenant is the script's local tenant; a script without one fails
// the command cmd.
func scriptTenant(ts *testscript.TestScript, cmd string) *localtenant.Server {
	tenant, _ := ts.Value(tenantKey{}).(*localtenant.Server)
	if tenant == nil {
		ts.Fatalf("%s: no local tenant in this script", cmd)
	}
	return tenant
}

// cmdGraph implements "graph METHOD PATH [JSON]": an outside admin (the
// local tenant's operator app) calls Microsoft Graph, as someone changing
// the tenant by hand between two entraform runs would. The response body
// goes to stdout; a status of 400 or more fails the command.
func cmdGraph(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: graph METHOD PATH [JSON]")
	}
	tenant := scriptTenant(ts, "graph")
	status, body, err := graphCall(tenant, args[0], args[1], args[2:])
	if err != nil {
		ts.Fatalf("graph: %v", err)
	}
	fmt.Fprintf(ts.Stdout(), "%s\n", body)
	failed := status >= 400
	if failed != neg {
		ts.Fatalf("graph %s %s: status %d", args[0], args[1], status)
	}
}

func graphCall(tenant *localtenant.Server, method, path string, body []string) (int, []byte, error) {
	tok, err := tenant.OperatorToken(context.Background())
	if err != nil {
		return 0, nil, fmt.Errorf("operator token: %w", err)
	}
	var rd io.Reader
	if len(body) == 1 {
		rd = strings.NewReader(body[0])
	}
	req, err := http.NewRequest(method, "https://graph.microsoft.com/v1.0"+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := tenant.HTTPClient().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, err = io.Copy(&b, resp.Body)
	return resp.StatusCode, b.Bytes(), err
}

// cmdGraphID implements "graph-id NAME PATH": GET PATH as cmdGraph does
// and set the environment variable NAME to the id of the object it
// answers (or of the one object of its value list), so a script can name
// an object Graph made in a later call.
func cmdGraphID(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: graph-id NAME PATH")
	}
	status, body, err := graphCall(scriptTenant(ts, "graph-id"), "GET", args[1], nil)
	if err != nil {
		ts.Fatalf("graph-id: %v", err)
	}
	if status >= 400 {
		ts.Fatalf("graph-id GET %s: status %d: %s", args[1], status, body)
	}
	var answer struct {
		ID    string `json:"id"`
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		ts.Fatalf("graph-id GET %s: %v", args[1], err)
	}
	id := answer.ID
	if id == "" {
		if len(answer.Value) != 1 {
			ts.Fatalf("graph-id GET %s: %d objects, want one", args[1], len(answer.Value))
		}
		id = answer.Value[0].ID
	}
	ts.Setenv(args[0], id)
}

package checks

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/entraform/entraform/localtenant"
)

const assignedConfig = `
tenant { workspace = "assigned" }
application "web" {
  display_name = "Assigned web"
  web { redirect_uris = ["http://localhost:{{PORT}}/"] }
  permission "graph" { delegated = ["User.Read"] }
  admin_consent = true
  secret "web" { write_to = "secrets/web.env" }
}
check "assigned_user_signs_in" {
  application = application.web
  flow        = "auth_code"
  user        = "alex@contoso.onmicrosoft.com"
}
check "unassigned_user_refused" {
  application  = application.web
  flow         = "auth_code"
  user         = "adele@contoso.onmicrosoft.com"
  expect_error = "AADSTS50105"
}
check "refused_otherwise" {
  application  = application.web
  flow         = "auth_code"
  user         = "adele@contoso.onmicrosoft.com"
  expect_error = "AADSTS50076"
}
check "not_refused" {
  application  = application.web
  flow         = "auth_code"
  user         = "alex@contoso.onmicrosoft.com"
  expect_error = "AADSTS50105"
}
`

// graphCall sends an operator request to the tenant's Graph and fails
// the test unless it answers want.
func graphCall(t *testing.T, tn *tenant, want int, method, path string, body any) map[string]any {
	t.Helper()
	tok, err := tn.OperatorToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, "https://graph.microsoft.com/v1.0"+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := tn.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %v", method, path, resp.StatusCode, want, out)
	}
	return out
}

func TestExpectError(t *testing.T) {
	t.Parallel()
	tn := startTenant(t, localtenant.Options{})
	cfg := writeConfig(t, subst(assignedConfig, "PORT", freePort(t)))
	res := tn.apply(t, cfg)
	sp := graphCall(t, tn, http.StatusOK, "GET", "/servicePrincipals(appId='"+res.Apps["application.web"].AppID+"')", nil)
	spID := sp["id"].(string)
	graphCall(t, tn, http.StatusNoContent, "PATCH", "/servicePrincipals/"+spID, map[string]any{"appRoleAssignmentRequired": true})
	graphCall(t, tn, http.StatusCreated, "POST", "/servicePrincipals/"+spID+"/appRoleAssignedTo", map[string]any{
		"principalId": tn.DefaultUser().ID, "resourceId": spID, "appRoleId": "00000000-0000-0000-0000-000000000000"})

	env := tn.env(cfg, res)
	wantOutcome(t, outcome{OK: true, Scopes: []string{"User.Read"}, IDType: "user", Audience: graphAud, User: "alex@contoso.onmicrosoft.com", ACR: "1"},
		runOne(t, env, "assigned_user_signs_in"))

	refused := runOne(t, env, "unassigned_user_refused")
	wantOutcome(t, outcome{OK: true}, refused)
	if !strings.HasPrefix(refused.Refused, "AADSTS50105: Your administrator has configured the application Assigned web") {
		t.Errorf("Refused = %q", refused.Refused)
	}
	var out bytes.Buffer
	Render(&out, []Result{refused}, false)
	if !strings.Contains(out.String(), "    refused as expected: AADSTS50105: ") {
		t.Errorf("rendered:\n%s", out.String())
	}

	wantProblem(t, runOne(t, env, "refused_otherwise"), CodeRefusedOtherwise,
		"the sign-in was refused, but not with the expected AADSTS50076: the user adele@contoso.onmicrosoft.com is not assigned to an application whose service principal requires assignment (AADSTS50105): assign the user or one of its groups (service_principal { assignment \"...\" { principal = ... } }) and apply, or set app_role_assignment_required = false")
	wantProblem(t, runOne(t, env, "not_refused"), CodeNotRefused,
		"alex@contoso.onmicrosoft.com through application.web signed in and got a token, but the check expects the sign-in to be refused with AADSTS50105")
}

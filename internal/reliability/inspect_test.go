package reliability

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/apply"
)

// inspector reads the tenant through Graph, with the operator's
// credentials and the tenant's own client (not through entraform's code,
// which is what is under test).
type inspector struct {
	h     *harness
	token string
}

func (h *harness) inspector() *inspector { return &inspector{h: h} }

// appView is what the tenant holds for one declared application.
type appView struct {
	// Copies is the number of applications with the unique name (or, for
	// applications without one, the display name).
	Copies            int
	DisplayName       string
	ServicePrincipals int
	Consent           []string // "<resource>: <scope>", one per scope of each grant
	Roles             []string // "<resource>: <role value>"
	Secrets           []string // display names, one per secret
	Certificates      []string
	Federated         []string
	SiteGrants        []string // "hr: <role>", one per role of each grant
}

// tenantView is the whole tenant as the suites judge it.
type tenantView struct {
	Apps map[string]appView
	// Orphans describes objects that belong to nothing: service principals
	// of no application, grants and assignments of no service principal,
	// site grants of no application, applications of the workspace that
	// are not declared.
	Orphans []string
	// Secrets are the secrets of each application by unique name:
	// keyId -> displayName.
	Secrets map[string]map[string]string
	AppIDs  map[string]string // unique name -> appId
}

type gApp struct {
	ID                  string   `json:"id"`
	AppID               string   `json:"appId"`
	DisplayName         string   `json:"displayName"`
	UniqueName          *string  `json:"uniqueName"`
	Tags                []string `json:"tags"`
	PasswordCredentials []struct {
		KeyID       string `json:"keyId"`
		DisplayName string `json:"displayName"`
	} `json:"passwordCredentials"`
	KeyCredentials []struct {
		KeyID       string `json:"keyId"`
		DisplayName string `json:"displayName"`
	} `json:"keyCredentials"`
}

type gSP struct {
	ID          string `json:"id"`
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
	AppRoles    []struct {
		ID    string `json:"id"`
		Value string `json:"value"`
	} `json:"appRoles"`
}

type gGrant struct {
	ID         string `json:"id"`
	ClientID   string `json:"clientId"`
	ResourceID string `json:"resourceId"`
	Scope      string `json:"scope"`
}

type gAssignment struct {
	ID          string `json:"id"`
	PrincipalID string `json:"principalId"`
	ResourceID  string `json:"resourceId"`
	AppRoleID   string `json:"appRoleId"`
}

type gSitePermission struct {
	ID                    string   `json:"id"`
	Roles                 []string `json:"roles"`
	GrantedToIdentitiesV2 []struct {
		Application struct {
			ID string `json:"id"`
		} `json:"application"`
	} `json:"grantedToIdentitiesV2"`
}

func (p gSitePermission) appID() string {
	if len(p.GrantedToIdentitiesV2) == 0 {
		return ""
	}
	return p.GrantedToIdentitiesV2[0].Application.ID
}

const graphAppID = "00000003-0000-0000-c000-000000000000"

// get reads a Graph path (following @odata.nextLink when out is a
// *[]T collection via list).
func (in *inspector) get(t *testing.T, path string, out any) {
	t.Helper()
	if in.token == "" {
		in.token = in.operatorToken(t)
	}
	u := path
	if !strings.HasPrefix(u, "https://") {
		u = "https://graph.microsoft.com/v1.0" + path
	}
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+in.token)
		resp, err := in.h.tenant.HTTPClient().Do(req)
		if err != nil {
			t.Fatalf("inspect GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			if attempt < 20 {
				time.Sleep(100 * time.Millisecond)
				continue
			}
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("inspect GET %s: %d %s", path, resp.StatusCode, body)
		}
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("inspect GET %s: %v", path, err)
		}
		return
	}
}

// list reads a whole collection.
func list[T any](t *testing.T, in *inspector, path string) []T {
	t.Helper()
	var all []T
	for next := path; next != ""; {
		var page struct {
			Value    []T    `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		in.get(t, next, &page)
		all = append(all, page.Value...)
		next = page.NextLink
	}
	return all
}

func (in *inspector) operatorToken(t *testing.T) string {
	t.Helper()
	tok, err := in.h.tenant.OperatorToken(context.Background())
	if err != nil {
		t.Fatalf("operator token: %v", err)
	}
	return tok
}

// baselineIDs are the service principals, grants and assignments of a
// fresh tenant.
func (in *inspector) baselineIDs(t *testing.T) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, sp := range list[gSP](t, in, "/servicePrincipals?$top=999") {
		ids[sp.ID] = true
	}
	for _, g := range list[gGrant](t, in, "/oauth2PermissionGrants?$top=999") {
		ids[g.ID] = true
	}
	return ids
}

// view reads the tenant as it is for workspace w. Call it with the faults
// off (harness.settle).
func (in *inspector) view(t *testing.T, w workspace) tenantView {
	t.Helper()
	v := tenantView{Apps: map[string]appView{}, Secrets: map[string]map[string]string{}, AppIDs: map[string]string{}}
	apps := list[gApp](t, in, "/applications?$top=999")
	sps := list[gSP](t, in, "/servicePrincipals?$top=999")
	grants := list[gGrant](t, in, "/oauth2PermissionGrants?$top=999")

	appByAppID := map[string]gApp{}
	for _, a := range apps {
		appByAppID[strings.ToLower(a.AppID)] = a
	}
	spByID := map[string]gSP{}
	spsOfApp := map[string][]gSP{}
	var graphSP gSP
	for _, sp := range sps {
		spByID[sp.ID] = sp
		spsOfApp[strings.ToLower(sp.AppID)] = append(spsOfApp[strings.ToLower(sp.AppID)], sp)
		if sp.AppID == graphAppID {
			graphSP = sp
		}
		if !in.h.baseline[sp.ID] && appByAppID[strings.ToLower(sp.AppID)].ID == "" {
			v.Orphans = append(v.Orphans, fmt.Sprintf("service principal %s (%s) of no application", sp.ID, sp.DisplayName))
		}
	}
	grantsOf := map[string][]gGrant{}
	for _, g := range grants {
		grantsOf[g.ClientID] = append(grantsOf[g.ClientID], g)
		if _, ok := spByID[g.ClientID]; !ok {
			v.Orphans = append(v.Orphans, fmt.Sprintf("grant %s of missing service principal %s", g.ID, g.ClientID))
		}
	}
	roleName := map[string]string{}
	for _, r := range graphSP.AppRoles {
		roleName[r.ID] = r.Value
	}
	assignmentsOf := map[string][]gAssignment{}
	for _, a := range list[gAssignment](t, in, "/servicePrincipals/"+graphSP.ID+"/appRoleAssignedTo?$top=999") {
		assignmentsOf[a.PrincipalID] = append(assignmentsOf[a.PrincipalID], a)
		if _, ok := spByID[a.PrincipalID]; !ok {
			v.Orphans = append(v.Orphans, fmt.Sprintf("role assignment %s of missing service principal %s", a.ID, a.PrincipalID))
		}
	}
	var site struct {
		ID string `json:"id"`
	}
	in.get(t, "/sites/contoso.sharepoint.com:/sites/hr", &site)
	siteGrantsOf := map[string][]gSitePermission{}
	for _, p := range list[gSitePermission](t, in, "/sites/"+site.ID+"/permissions") {
		var full gSitePermission
		in.get(t, "/sites/"+site.ID+"/permissions/"+p.ID, &full)
		id := strings.ToLower(full.appID())
		siteGrantsOf[id] = append(siteGrantsOf[id], full)
		if appByAppID[id].ID == "" {
			v.Orphans = append(v.Orphans, fmt.Sprintf("site grant %s on hr of missing application %s", p.ID, id))
		}
	}

	declared := map[string]bool{}
	for _, a := range w.Apps {
		declared[uniqueName(w.Name, a.Name)] = true
	}
	prefix := "reliability " + w.Name + " "
	for _, a := range apps {
		key := ""
		switch {
		case a.UniqueName != nil && strings.HasPrefix(*a.UniqueName, "entraform."+w.Name+"."):
			key = *a.UniqueName
		case strings.HasPrefix(a.DisplayName, prefix):
			key = "display name " + a.DisplayName
		case hasTag(a.Tags, "entraform:workspace:"+w.Name):
			key = "appId " + a.AppID
		default:
			continue
		}
		if !declared[key] {
			v.Orphans = append(v.Orphans, fmt.Sprintf("application %s (%s) is not declared", key, a.AppID))
			continue
		}
		av := v.Apps[key]
		av.Copies++
		av.DisplayName = a.DisplayName
		v.AppIDs[key] = a.AppID
		v.Secrets[key] = map[string]string{}
		for _, p := range a.PasswordCredentials {
			av.Secrets = append(av.Secrets, p.DisplayName)
			v.Secrets[key][strings.ToLower(p.KeyID)] = p.DisplayName
		}
		for _, k := range a.KeyCredentials {
			av.Certificates = append(av.Certificates, k.DisplayName)
		}
		fics := list[struct {
			Name string `json:"name"`
		}](t, in, "/applications/"+a.ID+"/federatedIdentityCredentials")
		for _, f := range fics {
			av.Federated = append(av.Federated, f.Name)
		}
		for _, sp := range spsOfApp[strings.ToLower(a.AppID)] {
			av.ServicePrincipals++
			for _, g := range grantsOf[sp.ID] {
				res := spByID[g.ResourceID].DisplayName
				for _, s := range strings.Fields(g.Scope) {
					av.Consent = append(av.Consent, res+": "+s)
				}
			}
			for _, as := range assignmentsOf[sp.ID] {
				av.Roles = append(av.Roles, "Microsoft Graph: "+roleName[as.AppRoleID])
			}
		}
		for _, p := range siteGrantsOf[strings.ToLower(a.AppID)] {
			for _, r := range p.Roles {
				av.SiteGrants = append(av.SiteGrants, "hr: "+r)
			}
		}
		for _, s := range [][]string{av.Consent, av.Roles, av.Secrets, av.Certificates, av.Federated, av.SiteGrants} {
			sort.Strings(s)
		}
		v.Apps[key] = av
	}
	sort.Strings(v.Orphans)
	return v
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// checkTenant fails the test unless the tenant holds exactly the declared
// workspace, nothing orphaned, and every secret file holds a secret of its
// application that signs in.
func (h *harness) checkTenant(t *testing.T, w workspace, dir string) tenantView {
	t.Helper()
	var v tenantView
	h.settle(func() {
		in := h.inspector()
		v = in.view(t, w)
		if diff := cmp.Diff(w.Want(), v.Apps); diff != "" {
			t.Errorf("tenant after the run (-want +got):\n%s", diff)
		}
		if len(v.Orphans) > 0 {
			t.Errorf("orphaned objects:\n  %s", strings.Join(v.Orphans, "\n  "))
		}
		for _, a := range w.Apps {
			if a.Secret {
				h.checkSecretFile(t, v, w, dir, a.Name)
			}
			if a.Certificate {
				if _, err := apply.ReadKeyFile(filepath.Join(dir, keyFile(a.Name))); err != nil {
					t.Errorf("%s: key file: %v", a.Name, err)
				}
			}
		}
	})
	return v
}

// checkSecretFile: the file exists, names the application and one of its
// secrets by key id, and its value signs in as the application.
func (h *harness) checkSecretFile(t *testing.T, v tenantView, w workspace, dir, app string) {
	t.Helper()
	un := uniqueName(w.Name, app)
	f, err := apply.ReadSecretFile(filepath.Join(dir, secretFile(app)))
	if err != nil {
		t.Errorf("%s: secret file: %v", app, err)
		return
	}
	if !strings.EqualFold(f.ClientID, v.AppIDs[un]) {
		t.Errorf("%s: secret file names client %s, the application is %s", app, f.ClientID, v.AppIDs[un])
	}
	if _, ok := v.Secrets[un][strings.ToLower(f.KeyID)]; !ok {
		t.Errorf("%s: secret file holds key %s, which the application does not have (it has %v)", app, f.KeyID, v.Secrets[un])
	}
	_, err = h.tenant.ClientSecretToken(context.Background(), f.ClientID, f.Secret, "https://graph.microsoft.com/.default")
	if err != nil {
		t.Errorf("%s: the secret in %s does not sign in: %v", app, secretFile(app), err)
	}
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

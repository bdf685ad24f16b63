package localtenant

import (
	"context"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/google/go-cmp/cmp"
)

const spoBase = "https://contoso.sharepoint.com"

// certClient registers a certificate on the app through Graph and
// returns an app-only SharePoint token acquired with it through MSAL.
func certSharePointToken(t *testing.T, op *client, na newApp) string {
	t.Helper()
	cert, key, b64 := certificate(t, op.s, "sharepoint app")
	op.must(http.StatusNoContent, "PATCH", "/applications/"+na.id, map[string]any{"keyCredentials": []any{
		map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": b64}}})
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	cc := confidentialClient(t, op.s, na.appID, cred)
	res, err := cc.AcquireTokenByCredential(context.Background(), []string{spoBase + "/.default"})
	if err != nil {
		t.Fatalf("certificate token: %v", err)
	}
	return res.AccessToken
}

func TestSharePointRESTAppOnly(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("sp reader", sharePointAppID, "Sites.Read.All")

	// A client secret gets a token, and SharePoint refuses it.
	secretTok := secretToken(t, s, na.appID, na.secret, spoBase+"/.default")
	r := op.as(secretTok).do("GET", spoBase+"/_api/web", nil, "Accept: application/json;odata=nometadata")
	if diff := cmp.Diff(map[string]any{"error_description": "Unsupported app only token."}, r.body); diff != "" || r.status != 401 {
		t.Errorf("secret token: HTTP %d (-want +got):\n%s", r.status, diff)
	}
	// A Graph token is not a SharePoint token.
	r = op.do("GET", spoBase+"/_api/web", nil, "Accept: application/json;odata=nometadata")
	if diff := cmp.Diff(map[string]any{"error_description": "Invalid issuer or signature."}, r.body); diff != "" || r.status != 401 {
		t.Errorf("Graph token: HTTP %d (-want +got):\n%s", r.status, diff)
	}

	// A certificate works.
	app := op.as(certSharePointToken(t, op, na))
	web := app.must(http.StatusOK, "GET", spoBase+"/sites/hr/_api/web", nil, "Accept: application/json;odata=nometadata")
	got := map[string]any{"Title": web.body["Title"], "Url": web.body["Url"], "ServerRelativeUrl": web.body["ServerRelativeUrl"]}
	if diff := cmp.Diff(map[string]any{"Title": "HR", "Url": spoBase + "/sites/hr", "ServerRelativeUrl": "/sites/hr"}, got); diff != "" {
		t.Errorf("/sites/hr/_api/web (-want +got):\n%s", diff)
	}
	if ct := web.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json;odata=nometadata") {
		t.Errorf("Content-Type %q", ct)
	}
	me := app.must(http.StatusOK, "GET", spoBase+"/_api/web/currentuser", nil, "Accept: application/json;odata=nometadata")
	wantMe := map[string]any{"Title": "sp reader", "LoginName": "i:0i.t|ms.sp.ext|" + na.appID + "@" + s.TenantID(), "Email": "", "IsSiteAdmin": false}
	gotMe := map[string]any{}
	for k := range wantMe {
		gotMe[k] = me.body[k]
	}
	if diff := cmp.Diff(wantMe, gotMe); diff != "" {
		t.Errorf("currentuser of an app (-want +got):\n%s", diff)
	}

	verbose := app.must(http.StatusOK, "GET", spoBase+"/_api/web", nil, "Accept: application/json;odata=verbose")
	d, _ := verbose.body["d"].(map[string]any)
	meta, _ := d["__metadata"].(map[string]any)
	if d["Title"] != "Communication site" || meta["type"] != "SP.Web" || meta["uri"] != spoBase+"/_api/Web" {
		t.Errorf("verbose web = %v", verbose.body)
	}
	minimal := app.must(http.StatusOK, "GET", spoBase+"/_api/web?$select=Title", nil, "Accept: application/json")
	if diff := cmp.Diff(map[string]any{"Title": "Communication site", "odata.metadata": spoBase + "/_api/$metadata#SP.ApiData.Webs/@Element",
		"odata.type": "SP.Web", "odata.id": spoBase + "/_api/Web", "odata.editLink": "Web"}, minimal.body); diff != "" {
		t.Errorf("minimal metadata with $select (-want +got):\n%s", diff)
	}
	atom := app.must(http.StatusOK, "GET", spoBase+"/sites/finance/_api/web", nil)
	if !strings.Contains(string(atom.raw), "<d:Title>Finance</d:Title>") || !strings.HasPrefix(atom.header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("no Accept: want Atom XML, got %s %s", atom.header.Get("Content-Type"), atom.raw)
	}
	r = app.do("GET", spoBase+"/sites/nope/_api/web", nil, "Accept: application/json;odata=nometadata")
	if r.status != 404 || r.body["odata.error"] == nil {
		t.Errorf("unknown site: HTTP %d %s", r.status, r.raw)
	}
}

func TestSharePointRESTSitesSelected(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("selected sp", sharePointAppID, "Sites.Selected")
	app := op.as(certSharePointToken(t, op, na))
	hrID := op.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil).str("id")
	op.must(http.StatusCreated, "POST", "/sites/"+hrID+"/permissions", map[string]any{
		"roles": []string{"read"}, "grantedToIdentities": []any{map[string]any{"application": map[string]any{"id": na.appID}}}})

	app.must(http.StatusOK, "GET", spoBase+"/sites/hr/_api/web", nil, "Accept: application/json;odata=nometadata")
	r := app.do("GET", spoBase+"/sites/finance/_api/web", nil, "Accept: application/json;odata=nometadata")
	want := map[string]any{"odata.error": map[string]any{"code": "-2147024891, System.UnauthorizedAccessException",
		"message": map[string]any{"lang": "en-US", "value": "Access denied. You do not have permission to perform this action or access this resource."}}}
	if diff := cmp.Diff(want, r.body); diff != "" || r.status != 403 {
		t.Errorf("finance without a grant: HTTP %d (-want +got):\n%s", r.status, diff)
	}
	r = app.do("GET", spoBase+"/sites/finance/_api/web", nil, "Accept: application/json;odata=verbose")
	if _, ok := r.body["error"]; !ok || r.status != 403 {
		t.Errorf("verbose error: HTTP %d %s", r.status, r.raw)
	}
}

func TestSharePointRESTDelegated(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("flask", graphAppID)
	op.grant(na.spID, sharePointAppID, "AllSites.Read User.Read.All")
	user := op.as(userToken(t, s, na.appID, na.secret, spoBase+"/User.Read.All"))

	me := user.must(http.StatusOK, "GET", spoBase+"/sites/hr/_api/web/currentuser", nil, "Accept: application/json;odata=nometadata")
	alex := s.DefaultUser()
	want := map[string]any{"Title": "Alex Wilber", "Email": alex.UserPrincipalName, "LoginName": "i:0#.f|membership|" + alex.UserPrincipalName,
		"IsSiteAdmin": false, "UserPrincipalName": alex.UserPrincipalName}
	got := map[string]any{}
	for k := range want {
		got[k] = me.body[k]
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delegated currentuser (-want +got):\n%s", diff)
	}
	if id, _ := me.body["Id"].(float64); id < 1 {
		t.Errorf("currentuser Id = %v", me.body["Id"])
	}
	// A delegated Graph token is still not a SharePoint token.
	graphTok := op.as(userToken(t, s, na.appID, na.secret, "openid"))
	if r := graphTok.do("GET", spoBase+"/_api/web", nil); r.status != 401 {
		t.Errorf("delegated Graph token on SharePoint: HTTP %d", r.status)
	}
}

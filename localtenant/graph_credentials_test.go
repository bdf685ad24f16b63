package localtenant

import (
	"crypto/sha1"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPasswordCredentials(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("secrets", graphAppID)

	r := op.must(http.StatusOK, "POST", "/applications/"+na.id+"/addPassword", map[string]any{
		"passwordCredential": map[string]any{"displayName": "ci", "endDateTime": "2030-01-02T03:04:05Z"}})
	secret, keyID := r.str("secretText"), r.str("keyId")
	got := map[string]any{"context": r.body["@odata.context"], "displayName": r.body["displayName"], "endDateTime": r.body["endDateTime"],
		"hint": r.body["hint"], "secretLength": len(secret), "keyIdIsGUID": looksLikeGUID(keyID)}
	want := map[string]any{"context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential", "displayName": "ci",
		"endDateTime": "2030-01-02T03:04:05Z", "hint": secret[:3], "secretLength": 40, "keyIdIsGUID": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("addPassword (-want +got):\n%s", diff)
	}

	// Default lifetime: two years from now.
	def := op.must(http.StatusOK, "POST", "/applications/"+na.id+"/addPassword", map[string]any{"passwordCredential": map[string]any{}})
	start, _ := time.Parse(time.RFC3339, def.str("startDateTime"))
	end, _ := time.Parse(time.RFC3339, def.str("endDateTime"))
	if d := end.Sub(start); d != defaultSecretLifetime {
		t.Errorf("default secret lifetime %v, want %v", d, defaultSecretLifetime)
	}

	// Reads never show the secret text again.
	app := op.must(http.StatusOK, "GET", "/applications/"+na.id, nil)
	for _, pc := range app.body["passwordCredentials"].([]any) {
		m := pc.(map[string]any)
		if m["secretText"] != nil || len(m["hint"].(string)) != 3 {
			t.Errorf("passwordCredential on read: %v", m)
		}
	}

	// The secret works at the token endpoint until removed.
	secretToken(t, s, na.appID, secret, "https://graph.microsoft.com/.default")
	op.must(http.StatusNoContent, "POST", "/applications/"+na.id+"/removePassword", map[string]any{"keyId": keyID})
	r = op.do("POST", "/applications/"+na.id+"/removePassword", map[string]any{"keyId": keyID})
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(r)); diff != "" {
		t.Errorf("removePassword twice (-want +got):\n%s", diff)
	}
	resp, err := s.HTTPClient().PostForm("https://login.microsoftonline.com/"+s.TenantID()+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {na.appID}, "client_secret": {secret}, "scope": {"https://graph.microsoft.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("removed secret still gets a token")
	}
	r = op.do("POST", "/applications/"+na.id+"/addPassword", map[string]any{"passwordCredential": map[string]any{"endDateTime": "2001-01-01T00:00:00Z"}})
	if diff := cmp.Diff(errorOf{400, CodeBadRequest}, errOf(r)); diff != "" {
		t.Errorf("addPassword ending in the past (-want +got):\n%s", diff)
	}
}

func TestKeyCredentials(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	id := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "certs"}).str("id")
	certA, _, keyA := certificate(t, s, "A")
	certB, _, keyB := certificate(t, s, "B")
	thumb := func(der []byte) string { return fmt.Sprintf("%X", sha1.Sum(der)) }

	// readCreds returns keyId -> {thumbprint, key, start, end}.
	readCreds := func() map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, kc := range op.must(http.StatusOK, "GET", "/applications/"+id, nil).body["keyCredentials"].([]any) {
			m := kc.(map[string]any)
			out[m["keyId"].(string)] = map[string]any{"thumb": m["customKeyIdentifier"], "key": m["key"], "type": m["type"],
				"usage": m["usage"], "start": m["startDateTime"], "end": m["endDateTime"], "displayName": m["displayName"]}
		}
		return out
	}
	ts := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }

	keyIDA := newID()
	op.must(http.StatusNoContent, "PATCH", "/applications/"+id, map[string]any{"keyCredentials": []any{
		map[string]any{"keyId": keyIDA, "type": "AsymmetricX509Cert", "usage": "Verify", "key": keyA, "displayName": "ci"}}})
	wantA := map[string]any{"thumb": thumb(certA.Raw), "key": nil, "type": "AsymmetricX509Cert", "usage": "Verify",
		"start": ts(certA.NotBefore), "end": ts(certA.NotAfter), "displayName": "ci"}
	if diff := cmp.Diff(map[string]map[string]any{keyIDA: wantA}, readCreds()); diff != "" {
		t.Errorf("after adding A (-want +got):\n%s", diff)
	}

	// Keep A by keyId with key null, add B (keyId generated).
	op.must(http.StatusNoContent, "PATCH", "/applications/"+id, map[string]any{"keyCredentials": []any{
		map[string]any{"keyId": keyIDA, "key": nil},
		map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": keyB}}})
	creds := readCreds()
	var keyIDB string
	for k := range creds {
		if k != keyIDA {
			keyIDB = k
		}
	}
	wantB := map[string]any{"thumb": thumb(certB.Raw), "key": nil, "type": "AsymmetricX509Cert", "usage": "Verify",
		"start": ts(certB.NotBefore), "end": ts(certB.NotAfter), "displayName": nil}
	if diff := cmp.Diff(map[string]map[string]any{keyIDA: wantA, keyIDB: wantB}, creds); diff != "" {
		t.Errorf("after keeping A and adding B (-want +got):\n%s", diff)
	}

	// Listing only B removes A.
	op.must(http.StatusNoContent, "PATCH", "/applications/"+id, map[string]any{"keyCredentials": []any{map[string]any{"keyId": keyIDB, "key": nil}}})
	if diff := cmp.Diff(map[string]map[string]any{keyIDB: wantB}, readCreds()); diff != "" {
		t.Errorf("after listing only B (-want +got):\n%s", diff)
	}

	bad := []struct {
		name string
		kc   any
	}{
		{"key is not a certificate", map[string]any{"type": "AsymmetricX509Cert", "usage": "Verify", "key": "bm90IGEgY2VydGlmaWNhdGU="}},
		{"key is not base64", map[string]any{"key": "%%%"}},
		{"keep an unknown keyId", map[string]any{"keyId": newID(), "key": nil}},
		{"the same certificate twice", []any{map[string]any{"key": keyA}, map[string]any{"key": keyA}}},
	}
	for _, tt := range bad {
		list, ok := tt.kc.([]any)
		if !ok {
			list = []any{tt.kc}
		}
		r := op.do("PATCH", "/applications/"+id, map[string]any{"keyCredentials": list})
		if diff := cmp.Diff(errorOf{400, CodeBadRequest}, errOf(r)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if diff := cmp.Diff(map[string]map[string]any{keyIDB: wantB}, readCreds()); diff != "" {
		t.Errorf("a refused PATCH changed the credentials (-want +got):\n%s", diff)
	}
}

func TestFederatedCredentials(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	id := op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": "fic"}).str("id")
	base := "/applications/" + id + "/federatedIdentityCredentials"
	fic := func(name, subject string) map[string]any {
		return map[string]any{"@odata.type": "#microsoft.graph.federatedIdentityCredential", "name": name, "issuer": "https://token.actions.githubusercontent.com",
			"subject": subject, "audiences": []string{"api://AzureADTokenExchange"}, "description": "GitHub"}
	}

	r := op.must(http.StatusCreated, "POST", base, fic("github_main", "repo:contoso/x:ref:refs/heads/main"))
	ficID := r.str("id")
	got := map[string]any{}
	for _, k := range []string{"@odata.context", "name", "issuer", "subject", "audiences", "description"} {
		got[k] = r.body[k]
	}
	want := map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications('" + id + "')/federatedIdentityCredentials/$entity",
		"name":           "github_main", "issuer": "https://token.actions.githubusercontent.com",
		"subject": "repo:contoso/x:ref:refs/heads/main", "audiences": []any{"api://AzureADTokenExchange"}, "description": "GitHub",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("POST federatedIdentityCredentials (-want +got):\n%s", diff)
	}

	for _, path := range []string{base + "/" + ficID, base + "/github_main", base + "(name='github_main')"} {
		if g := op.must(http.StatusOK, "GET", path, nil); g.str("id") != ficID {
			t.Errorf("GET %s: id %q, want %q", path, g.str("id"), ficID)
		}
	}
	op.must(http.StatusNoContent, "PATCH", base+"/github_main", map[string]any{"subject": "repo:contoso/x:environment:prod"})
	if g := op.must(http.StatusOK, "GET", base+"/"+ficID, nil); g.str("subject") != "repo:contoso/x:environment:prod" {
		t.Errorf("subject after PATCH = %q", g.str("subject"))
	}

	noAud := fic("no_aud", "s1")
	delete(noAud, "audiences")
	errs := []refusal{
		{"duplicate name", op, "POST", base, fic("github_main", "other"), errorOf{409, CodeConflict}},
		{"duplicate issuer and subject", op, "POST", base, fic("other", "repo:contoso/x:environment:prod"), errorOf{409, CodeConflict}},
		{"no audiences", op, "POST", base, noAud, errorOf{400, CodeBadRequest}},
		{"bad name", op, "POST", base, fic("has space", "s2"), errorOf{400, CodeBadRequest}},
		{"rename", op, "PATCH", base + "/" + ficID, map[string]any{"name": "renamed"}, errorOf{400, CodeBadRequest}},
		{"absent", op, "GET", base + "/nope", nil, errorOf{404, CodeNotFound}},
	}
	checkRefusals(t, errs)

	for i := 1; i < maxFederatedCredentials; i++ {
		op.must(http.StatusCreated, "POST", base, fic(fmt.Sprintf("c%d", i), fmt.Sprintf("s%d", i)))
	}
	if n := len(op.must(http.StatusOK, "GET", base, nil).values()); n != maxFederatedCredentials {
		t.Errorf("list: %d credentials, want %d", n, maxFederatedCredentials)
	}
	if diff := cmp.Diff(errorOf{400, CodeBadRequest}, errOf(op.do("POST", base, fic("c21", "s21")))); diff != "" {
		t.Errorf("credential 21 (-want +got):\n%s", diff)
	}
	// $expand inlines them on lists (with $select) and on one application.
	list := op.must(http.StatusOK, "GET", "/applications?$select=displayName&$expand=federatedIdentityCredentials&$filter="+url.QueryEscape("displayName eq 'fic'"), nil)
	if v := list.values(); len(v) != 1 || len(v[0]["federatedIdentityCredentials"].([]any)) != maxFederatedCredentials {
		t.Errorf("$expand on the list: %v", v)
	}
	one := op.must(http.StatusOK, "GET", "/applications/"+id+"?$expand=federatedIdentityCredentials", nil)
	if n := len(one.body["federatedIdentityCredentials"].([]any)); n != maxFederatedCredentials {
		t.Errorf("$expand on the entity: %d credentials", n)
	}
	if _, ok := op.must(http.StatusOK, "GET", "/applications/"+id, nil).body["federatedIdentityCredentials"]; ok {
		t.Errorf("federatedIdentityCredentials inlined without $expand")
	}
	if diff := cmp.Diff(errorOf{400, CodeUnsupportedQuery}, errOf(op.do("GET", "/applications?$expand=extensionProperties", nil))); diff != "" {
		t.Errorf("$expand=extensionProperties (-want +got):\n%s", diff)
	}

	op.must(http.StatusNoContent, "DELETE", base+"/github_main", nil)
	if diff := cmp.Diff(errorOf{404, CodeNotFound}, errOf(op.do("GET", base+"/"+ficID, nil))); diff != "" {
		t.Errorf("GET after DELETE (-want +got):\n%s", diff)
	}
}

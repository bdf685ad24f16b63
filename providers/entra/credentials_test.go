package entra

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPasswordLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "passwords", "web")
	end := time.Now().Add(90 * 24 * time.Hour).UTC().Truncate(time.Second)

	cred, err := tn.p.AddPassword(ctx, app.ID, "web", end)
	if err != nil {
		t.Fatal(err)
	}
	if cred.SecretText == "" || cred.KeyID == "" {
		t.Fatalf("AddPassword returned no secret or keyId: keyId %q, secret empty %v", cred.KeyID, cred.SecretText == "")
	}
	if cred.EndDateTime == nil || !cred.EndDateTime.Equal(end) {
		t.Errorf("endDateTime = %v, want %v", cred.EndDateTime, end)
	}

	second, err := tn.p.AddPassword(ctx, app.ID, "rotated", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"rotated", "web"}, secretNames(t, tn, app.ID)); diff != "" {
		t.Errorf("secrets after two adds (-want +got):\n%s", diff)
	}
	if err := tn.p.RemovePassword(ctx, app.ID, cred.KeyID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.RemovePassword(ctx, app.ID, cred.KeyID); err != nil {
		t.Errorf("removing a removed secret: %v; want nil", err)
	}
	if diff := cmp.Diff([]string{"rotated"}, secretNames(t, tn, app.ID)); diff != "" {
		t.Errorf("secrets after removing %q (-want +got):\n%s", "web", diff)
	}
	if err := tn.p.RemovePassword(ctx, app.ID, second.KeyID); err != nil {
		t.Fatal(err)
	}
}

// secretNames lists the display names of an application's secrets, as a
// read shows them (without secret text).
func secretNames(t testing.TB, tn *tenant, appObjectID string) []string {
	t.Helper()
	var app Application
	if err := tn.c.Get(ctxFor(t), "/applications/"+appObjectID, &app); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range app.PasswordCredentials {
		if c.SecretText != "" {
			t.Errorf("a read of application %s shows secret text", appObjectID)
		}
		names = append(names, c.DisplayName)
	}
	slices.Sort(names)
	return names
}

// testCertificate returns a self-signed certificate as base64 DER.
func testCertificate(t testing.TB, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour).UTC().Truncate(time.Second),
		NotAfter:     time.Now().Add(365 * 24 * time.Hour).UTC().Truncate(time.Second),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func TestKeyCredentialLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "certs", "daemon")
	certA, certB := testCertificate(t, "a"), testCertificate(t, "b")
	thumbA, _ := thumbprint(certA)
	thumbB, _ := thumbprint(certB)

	a, err := tn.p.AddKeyCredential(ctx, app.ID, KeyCredential{DisplayName: "ci", Key: &certA})
	if err != nil {
		t.Fatal(err)
	}
	if a.KeyID == "" || a.Key != nil || !sameThumbprint(a.CustomKeyIdentifier, thumbA) {
		t.Errorf("added certificate = keyId %q, key %v, customKeyIdentifier %q; want a keyId, no key, thumbprint %s", a.KeyID, a.Key, a.CustomKeyIdentifier, thumbA)
	}
	// The same certificate again: nothing added, the same credential.
	again, err := tn.p.AddKeyCredential(ctx, app.ID, KeyCredential{DisplayName: "ci", Key: &certA})
	if err != nil {
		t.Fatal(err)
	}
	if again.KeyID != a.KeyID {
		t.Errorf("adding the same certificate again gave keyId %s, want %s", again.KeyID, a.KeyID)
	}
	// A second certificate keeps the first.
	b, err := tn.p.AddKeyCredential(ctx, app.ID, KeyCredential{DisplayName: "rotated", Key: &certB})
	if err != nil {
		t.Fatal(err)
	}
	if !sameThumbprint(b.CustomKeyIdentifier, thumbB) {
		t.Errorf("second certificate has customKeyIdentifier %q, want thumbprint %s", b.CustomKeyIdentifier, thumbB)
	}
	if diff := cmp.Diff([]string{"ci " + a.KeyID, "rotated " + b.KeyID}, certificates(t, tn, app.ID)); diff != "" {
		t.Errorf("certificates after two adds (-want +got):\n%s", diff)
	}

	if err := tn.p.RemoveKeyCredential(ctx, app.ID, a.KeyID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.RemoveKeyCredential(ctx, app.ID, a.KeyID); err != nil {
		t.Errorf("removing a removed certificate: %v; want nil", err)
	}
	if diff := cmp.Diff([]string{"rotated " + b.KeyID}, certificates(t, tn, app.ID)); diff != "" {
		t.Errorf("certificates after removing the first (-want +got):\n%s", diff)
	}
}

// certificates lists "displayName keyId" of an application's certificates.
func certificates(t testing.TB, tn *tenant, appObjectID string) []string {
	t.Helper()
	creds, err := tn.p.keyCredentials(ctxFor(t), appObjectID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range creds {
		out = append(out, c.DisplayName+" "+c.KeyID)
	}
	slices.Sort(out)
	return out
}

func TestFederatedCredentialLifecycle(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "federated", "ci")
	main := FederatedIdentityCredential{
		Name:      "github_main",
		Issuer:    "https://token.actions.githubusercontent.com",
		Subject:   "repo:contoso/entra-config:ref:refs/heads/main",
		Audiences: []string{"api://AzureADTokenExchange"},
	}
	created, err := tn.p.CreateFederatedCredential(ctx, app.ID, main)
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" {
		t.Fatal("created federated credential has no id")
	}

	// Creating one with the same name updates it.
	main.Subject = "repo:contoso/entra-config:environment:prod"
	again, err := tn.p.CreateFederatedCredential(ctx, app.ID, main)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != created.ID || again.Subject != main.Subject {
		t.Errorf("second create gave %+v; want credential %s with subject %q", again, created.ID, main.Subject)
	}

	// Another name with the same issuer and subject is refused, not
	// mistaken for the existing one.
	twin := main
	twin.Name = "github_twin"
	if _, err := tn.p.CreateFederatedCredential(ctx, app.ID, twin); err == nil {
		t.Error("a second credential with the same issuer and subject was accepted")
	}

	main.Subject = "repo:contoso/entra-config:pull_request"
	main.Description = ptr("pull requests")
	if err := tn.p.UpdateFederatedCredential(ctx, app.ID, created.ID, main); err != nil {
		t.Fatal(err)
	}
	got := federatedOf(t, tn, app.ID)
	want := []FederatedIdentityCredential{main}
	want[0].ID = created.ID
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("federated credentials after update (-want +got):\n%s", diff)
	}

	if err := tn.p.DeleteFederatedCredential(ctx, app.ID, created.ID); err != nil {
		t.Fatal(err)
	}
	if err := tn.p.DeleteFederatedCredential(ctx, app.ID, created.ID); err != nil {
		t.Errorf("deleting a deleted federated credential: %v; want nil", err)
	}
	if got := federatedOf(t, tn, app.ID); len(got) != 0 {
		t.Errorf("federated credentials after delete: %+v; want none", got)
	}
}

func federatedOf(t testing.TB, tn *tenant, appObjectID string) []FederatedIdentityCredential {
	t.Helper()
	var pg struct {
		Value []FederatedIdentityCredential `json:"value"`
	}
	if err := tn.c.Get(ctxFor(t), federatedPath(appObjectID), &pg); err != nil {
		t.Fatal(err)
	}
	return pg.Value
}

// TestSecretNeverLogged adds a secret with the Graph debug log on: the
// secret text reaches the caller and nowhere else.
func TestSecretNeverLogged(t *testing.T) {
	var log bytes.Buffer
	tn := startTenant(t, tenantOptions{log: &log, provider: Options{ReplicationTimeout: 2 * time.Second}})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "logs", "web")
	cred, err := tn.p.AddPassword(ctx, app.ID, "web", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tn.p.AddPassword(ctx, "00000000-0000-0000-0000-000000000000", "web", time.Time{}); err == nil {
		t.Error("adding a secret to a missing application succeeded")
	} else if strings.Contains(err.Error(), cred.SecretText) {
		t.Error("an error shows the secret text")
	}
	if !strings.Contains(log.String(), "addPassword") {
		t.Fatalf("the debug log did not record the request:\n%s", log.String())
	}
	if strings.Contains(log.String(), cred.SecretText) {
		t.Error("the debug log holds the secret text")
	}
}

package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/entraform/entraform/providers/entra"
)

// orphanApplications plans the removal of every application the workspace
// owns that the configuration no longer declares (all of them for a
// destroy plan), with everything the application owns.
func (b *builder) orphanApplications() {
	var orphans []*entra.Application
	for _, a := range b.snap.Applications {
		if b.matched[a.ID] || !b.owned(a.Tags) {
			continue
		}
		orphans = append(orphans, a)
	}
	sort.Slice(orphans, func(i, j int) bool { return orphanAddress(orphans[i]) < orphanAddress(orphans[j]) })
	for _, a := range orphans {
		addr := orphanAddress(a)
		b.add(deletion(addr, TypeApplication, orphanName(addr), b.applicationValue(a), "", a))
		sp := b.spByAppID[strings.ToLower(a.AppID)]
		if sp != nil {
			c := b.add(deletion(addr+".service_principal", TypeServicePrincipal, "", servicePrincipalValue(sp), addr, sp))
			c.DependsOn = []string{addr}
			b.consents(addr, sp, nil)
			b.roleAssignments(addr, sp, nil)
		}
		for _, p := range a.PasswordCredentials {
			c := b.add(deletion(fmt.Sprintf("%s.secret.%s", addr, credentialName(p.DisplayName, p.KeyID)), TypeSecret, credentialName(p.DisplayName, p.KeyID), secretValue(p, ""), addr, p))
			c.DependsOn = []string{addr}
		}
		for _, k := range a.KeyCredentials {
			c := b.add(deletion(fmt.Sprintf("%s.certificate.%s", addr, credentialName(k.DisplayName, k.KeyID)), TypeCertificate, credentialName(k.DisplayName, k.KeyID), certificateValue(k, ""), addr, k))
			c.DependsOn = []string{addr}
		}
		for _, f := range a.FederatedIdentityCredentials {
			c := b.add(deletion(fmt.Sprintf("%s.federated_credential.%s", addr, f.Name), TypeFederatedCredential, f.Name, federatedValue(f), addr, f))
			c.DependsOn = []string{addr}
		}
	}
}

// orphanAddress is the address an undeclared managed application had when
// it was created (from its tag), or one made from its appId.
func orphanAddress(a *entra.Application) string {
	if addr := entra.AddressOf(a.Tags); addr != "" {
		return addr
	}
	return fmt.Sprintf("application[%q]", a.AppID)
}

func orphanName(addr string) string {
	name := strings.TrimPrefix(addr, "application.")
	return name
}

func credentialName(displayName, keyID string) string {
	if displayName != "" && isIdentifier(displayName) {
		return displayName
	}
	return fmt.Sprintf("[%q]", keyID)
}

func isIdentifier(s string) bool {
	for i, r := range s {
		switch {
		case r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'):
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return s != ""
}

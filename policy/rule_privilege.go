package policy

import (
	"fmt"
	"regexp"
)

// privileged is one entry of the high-privilege catalogue.
type privileged struct {
	re *regexp.Regexp
	// graph: the entry is about Microsoft Graph; otherwise Graph and
	// SharePoint Online.
	graph     bool
	delegated bool // the entry covers delegated permissions too
	why       string
	instead   string
}

// highPrivilegeCatalogue lists permissions that let an application change
// the directory, take roles, or read or write every mailbox, file or site
// of the tenant. docs/POLICY.md shows the same table.
func highPrivilegeCatalogue() []privileged {
	return []privileged{
		{re: regexp.MustCompile(`^Application\.ReadWrite\.All$`), graph: true,
			why:     "it can add credentials to any application in the tenant, and so act as any of them",
			instead: "Application.ReadWrite.OwnedBy (only the applications it owns)"},
		{re: regexp.MustCompile(`^(AppRoleAssignment|DelegatedPermissionGrant)\.ReadWrite\.All$`), graph: true,
			why:     "it can grant any permission, to itself too",
			instead: ""},
		{re: regexp.MustCompile(`^(Directory|User|Group|GroupMember|Device|Domain|Organization|AdministrativeUnit|UserAuthenticationMethod|IdentityProvider|Policy|PrivilegedAccess|Synchronization)\.ReadWrite\.`), graph: true,
			why:     "it changes directory objects across the tenant",
			instead: "the read permission if it only reads, or the narrowest object type it writes"},
		{re: regexp.MustCompile(`^RoleManagement\.`), graph: true, delegated: true,
			why:     "it manages directory role assignments, up to Global Administrator",
			instead: "a role given to a person through Privileged Identity Management"},
		{re: regexp.MustCompile(`^Directory\.AccessAsUser\.All$`), graph: true, delegated: true,
			why:     "it acts with every right of the signed-in user, administrators included",
			instead: "the scopes of what the application does"},
		{re: regexp.MustCompile(`^Sites\.FullControl\.All$`),
			why:     "it controls every site of the tenant, including their permissions",
			instead: "Sites.Selected with a \"fullcontrol\" grant on the sites it manages"},
		{re: regexp.MustCompile(`^Mail\.`), graph: true,
			why:     "as an application permission it reaches every mailbox of the tenant",
			instead: "the same permission limited by an Exchange Online application access policy (or RBAC for Applications) to the mailboxes it needs"},
		{re: regexp.MustCompile(`^Files\.(Read|ReadWrite)(\.All)?$`), graph: true,
			why:     "as an application permission it reaches every user's files and every document library",
			instead: "Files.SelectedOperations.Selected, or Sites.Selected with grants"},
	}
}

// highPrivilege flags permissions of the catalogue for review.
func highPrivilege(f *facts) []Finding {
	cat := highPrivilegeCatalogue()
	var out []Finding
	for _, a := range f.cfg.Applications {
		for _, p := range f.perms[a.Addr] {
			if p.Value == "" || !(p.isGraph() || p.isSharePoint()) {
				continue
			}
			for _, e := range cat {
				if !e.re.MatchString(p.Value) || (e.graph && !p.isGraph()) || (p.Delegated && !e.delegated) {
					continue
				}
				consider := "Nothing narrower exists: keep it to the identity that deploys."
				if e.instead != "" {
					consider = "Consider " + e.instead + "."
				}
				out = append(out, Finding{
					Address: p.addr(),
					Range:   p.ref.Range,
					Summary: fmt.Sprintf("High-privilege permission %s", p.Value),
					Detail:  fmt.Sprintf("%s asks for %s (%s, %s): %s.", a.Addr, p.Value, p.label(), p.kind(), e.why),
					Fix: fmt.Sprintf("%s If it is needed, record the review next to the application:\n%s",
						consider, indent(fmt.Sprintf("ignore \"high-privilege\" {\n  address = %q\n  reason  = \"<why %s needs %s, who reviewed it>\"\n}", p.addr(), a.Name, p.Value), 2)),
				})
				break
			}
		}
	}
	return out
}

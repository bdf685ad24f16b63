package reliability

import (
	"fmt"
	"sort"
	"strings"
)

// workspace is a configuration the suites apply: applications with
// consent, role assignments, secrets, certificates, federated
// credentials and site grants.
type workspace struct {
	Name string
	Apps []appSpec
	// Checks adds a client_credentials login check for the first
	// application with a secret and a site grant.
	Checks bool
}

type appSpec struct {
	Name        string
	Roles       []string // Microsoft Graph application permissions (admin consent)
	Delegated   []string // Microsoft Graph delegated permissions (admin consent)
	Secret      bool     // secret "main", written to secrets/<name>.env
	Certificate bool     // certificate "main", key in keys/<name>.pem
	Federated   bool     // federated credential "github" for a GitHub branch
	SiteRoles   []string // roles of a grant on the hr site
}

// standardApps returns n applications with consent, a role assignment, a
// secret and a site grant each; every fifth has a certificate too, and
// every seventh a federated credential.
func standardApps(n int) []appSpec {
	apps := make([]appSpec, n)
	for i := range apps {
		apps[i] = appSpec{
			Name:      fmt.Sprintf("app%02d", i),
			Roles:     []string{"Sites.Selected"},
			Delegated: []string{"User.Read"},
			Secret:    true,
			SiteRoles: []string{"read"},
		}
		if i%5 == 1 {
			apps[i].Certificate = true
		}
		if i%7 == 2 {
			apps[i].Federated = true
		}
	}
	return apps
}

func secretFile(app string) string { return "secrets/" + app + ".env" }
func keyFile(app string) string    { return "keys/" + app + ".pem" }

// HCL renders the configuration.
func (w workspace) HCL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tenant {\n  workspace = %q\n}\n", w.Name)
	for _, a := range w.Apps {
		fmt.Fprintf(&b, "\napplication %q {\n  display_name = %q\n", a.Name, "reliability "+w.Name+" "+a.Name)
		if len(a.Roles)+len(a.Delegated) > 0 {
			b.WriteString("  permission \"graph\" {\n")
			if len(a.Roles) > 0 {
				fmt.Fprintf(&b, "    application = %s\n", hclList(a.Roles))
			}
			if len(a.Delegated) > 0 {
				fmt.Fprintf(&b, "    delegated   = %s\n", hclList(a.Delegated))
			}
			b.WriteString("  }\n  admin_consent = true\n")
		}
		if a.Secret {
			fmt.Fprintf(&b, "  secret \"main\" {\n    write_to = %q\n  }\n", secretFile(a.Name))
		}
		if a.Certificate {
			fmt.Fprintf(&b, "  certificate \"main\" {\n    private_key_file = %q\n  }\n", keyFile(a.Name))
		}
		if a.Federated {
			fmt.Fprintf(&b, "  federated_credential \"github\" {\n    issuer  = \"https://token.actions.githubusercontent.com\"\n    subject = \"repo:contoso/%s:ref:refs/heads/main\"\n  }\n", a.Name)
		}
		b.WriteString("}\n")
	}
	var granted []appSpec
	for _, a := range w.Apps {
		if len(a.SiteRoles) > 0 {
			granted = append(granted, a)
		}
	}
	if len(granted) > 0 {
		b.WriteString("\nsite \"hr\" {\n  url = \"https://contoso.sharepoint.com/sites/hr\"\n")
		for _, a := range granted {
			fmt.Fprintf(&b, "  grant %q {\n    application = application.%s\n    roles       = %s\n  }\n", a.Name, a.Name, hclList(a.SiteRoles))
		}
		b.WriteString("}\n")
	}
	if w.Checks {
		for _, a := range w.Apps {
			if a.Secret && len(a.SiteRoles) > 0 && contains(a.Roles, "Sites.Selected") {
				fmt.Fprintf(&b, `
check "%s_reads_hr" {
  application  = application.%s
  flow         = "client_credentials"
  expect_roles = ["Sites.Selected"]
  request "hr" {
    url = "https://graph.microsoft.com/v1.0/sites/contoso.sharepoint.com:/sites/hr"
  }
}
`, a.Name, a.Name)
				// The workload's delegated User.Read is consent for users,
				// which an app-only check does not exercise: the review
				// would refuse the plan, so it is silenced with a reason.
				fmt.Fprintf(&b, `
ignore "delegated-on-app-only" {
  address = "application.%s"
  reason  = "reliability workload: delegated consent is applied, never signed in with"
}
`, a.Name)
				break
			}
		}
	}
	return b.String()
}

// Files is the configuration as files of a directory.
func (w workspace) Files() map[string]string {
	return map[string]string{"main.entra.hcl": w.HCL()}
}

// Want is what the tenant must hold for the workspace: one application
// per declared one, by unique name.
func (w workspace) Want() map[string]appView {
	out := map[string]appView{}
	for _, a := range w.Apps {
		v := appView{Copies: 1, ServicePrincipals: 1, DisplayName: "reliability " + w.Name + " " + a.Name}
		for _, s := range a.Delegated {
			v.Consent = append(v.Consent, "Microsoft Graph: "+s)
		}
		for _, r := range a.Roles {
			v.Roles = append(v.Roles, "Microsoft Graph: "+r)
		}
		if a.Secret {
			v.Secrets = []string{"main"}
		}
		if a.Certificate {
			v.Certificates = []string{"main"}
		}
		if a.Federated {
			v.Federated = []string{"github"}
		}
		for _, r := range a.SiteRoles {
			v.SiteGrants = append(v.SiteGrants, "hr: "+r)
		}
		sort.Strings(v.Consent)
		sort.Strings(v.Roles)
		sort.Strings(v.SiteGrants)
		out[uniqueName(w.Name, a.Name)] = v
	}
	return out
}

func uniqueName(workspace, app string) string { return "entraform." + workspace + "." + app }

func hclList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

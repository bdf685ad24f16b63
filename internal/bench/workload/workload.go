package workload

import (
	"fmt"
	"strings"
)

// Workspace is the workspace name of every benchmark configuration.
const Workspace = "bench"

// SharePointHost is the host of the benchmark sites (the local tenant's
// default SharePoint tenant).
const SharePointHost = "contoso.sharepoint.com"

// Config describes one benchmark configuration.
type Config struct {
	// N is the number of applications.
	N int
	// Renamed is how many applications carry a changed display name,
	// spread evenly over both ways of writing them (see Renamed): the
	// "1% changes" plan renames Changes(N) of them.
	Renamed int
	// Directory gives every application an owner (a user, by lookup)
	// and a service_principal block assigning a group (the default
	// access role): the objects whose refresh issue 17 reads in bulk.
	Directory bool
}

// Users and groups the Directory workload names (the local tenant's
// built-in ones).
const (
	OwnerUPN  = "alex@contoso.onmicrosoft.com"
	GroupName = "Engineering"
)

// DirectoryObjects is the number of owners and assignments the Directory
// workload adds for n applications.
func DirectoryObjects(n int) int { return 2 * n }

// Changes is the number of applications a "1% changes" plan touches for
// n applications: 1% rounded up, at least one.
func Changes(n int) int {
	return max(1, (n+99)/100)
}

// SiteCount is the number of site grants (and sites) for n applications:
// one per ten applications, at most 500 (the 10,000-application no-op
// plan of issue 14 has 500).
func SiteCount(n int) int { return min(n/10, 500) }

// SitePaths are the server-relative paths of the sites a configuration
// of n applications grants on; the tenant must have them.
func SitePaths(n int) []string {
	out := make([]string, SiteCount(n))
	for i := range out {
		out[i] = sitePath(i)
	}
	return out
}

func sitePath(i int) string { return fmt.Sprintf("/sites/bench-%04d", i) }

// Objects is the number of tenant objects a configuration of n
// applications declares: per application the application, its service
// principal, one delegated consent, one app role assignment and one
// secret, plus the site grants.
func Objects(n int) int { return 5*n + SiteCount(n) }

// FileName is the name of the configuration file.
const FileName = "main.entra.hcl"

// HCL returns the configuration text. The first half of the applications
// are separate blocks, the second half one block with for_each over a map,
// so both ways of writing many applications are parsed and expanded. Site
// grant i grants application i read access on site i.
func (c Config) HCL() string {
	var b strings.Builder
	b.Grow(c.N * 420)
	fmt.Fprintf(&b, "tenant {\n  workspace = %q\n}\n", Workspace)
	directory := ""
	if c.Directory {
		fmt.Fprintf(&b, "\ndata \"user\" \"owner\" {\n  user_principal_name = %q\n}\n\ndata \"group\" \"users\" {\n  display_name = %q\n}\n", OwnerUPN, GroupName)
		directory = `
  owners = [data.user.owner]
  service_principal {
    assignment "users" {
      principal = data.group.users
    }
  }
`
	}
	blocks := c.N - c.N/2
	for i := 0; i < blocks; i++ {
		fmt.Fprintf(&b, `
application "app%04d" {
  display_name = %q
  notes        = "Benchmark application %d."

  web {
    redirect_uris = ["https://app%04d.contoso.com/auth"]
  }

  permission "graph" {
    delegated   = ["User.Read"]
    application = ["Sites.Selected"]
  }
  admin_consent = true

  secret "main" {
    write_to   = "secrets/app%04d.env"
    expires_in = "180d"
  }
%s}
`, i, c.displayName(i), i, i, i, directory)
	}
	if c.N > blocks {
		b.WriteString("\nlocals {\n  teams = {\n")
		for i := blocks; i < c.N; i++ {
			fmt.Fprintf(&b, "    %q = %q\n", teamKey(i), c.displayName(i))
		}
		b.WriteString(`  }
}

application "team" {
  for_each     = local.teams
  display_name = each.value

  permission "graph" {
    delegated   = ["User.Read"]
    application = ["Sites.Selected"]
  }
  admin_consent = true

  secret "main" {
    write_to = "secrets/team-${each.key}.env"
  }
` + directory + "}\n")
	}
	for i := 0; i < SiteCount(c.N); i++ {
		fmt.Fprintf(&b, `
site "s%04d" {
  url = "https://%s%s"

  grant "reader" {
    application = %s
    roles       = ["read"]
  }
}
`, i, SharePointHost, sitePath(i), c.Address(i))
	}
	return b.String()
}

// Address is the address of application i, which is also the HCL
// expression that refers to it.
func (c Config) Address(i int) string {
	if i < c.N-c.N/2 {
		return fmt.Sprintf("application.app%04d", i)
	}
	return fmt.Sprintf("application.team[%q]", teamKey(i))
}

func teamKey(i int) string { return fmt.Sprintf("t%04d", i) }

// IsRenamed reports whether application i carries a changed display name:
// every (N/Renamed)-th application, Renamed of them.
func (c Config) IsRenamed(i int) bool {
	if c.Renamed <= 0 || i < 0 || i >= c.N {
		return false
	}
	step := max(1, c.N/c.Renamed)
	return i%step == 0 && i/step < c.Renamed
}

func (c Config) displayName(i int) string {
	if c.IsRenamed(i) {
		return fmt.Sprintf("Benchmark app %d (renamed)", i)
	}
	return fmt.Sprintf("Benchmark app %d", i)
}

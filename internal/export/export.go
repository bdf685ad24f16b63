package export

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/entraform/entraform/providers/entra"
)

// Options say what to export.
type Options struct {
	// AppIDs are applications by appId (-app).
	AppIDs []string
	// Names are display name patterns (-name): * and ?, case-insensitive.
	Names []string
	// Sites are site URLs whose grants to the exported applications are
	// exported too (-site).
	Sites []string
	// Workspace is the workspace the files will be planned in (the
	// directory name, or the tenant block's); applications managed by
	// another workspace are reported.
	Workspace string
	// TenantID names the tenant in the files' header.
	TenantID string
	// Cloud is the tenant's cloud; anything but "" and "public" is written
	// in a tenant block (TenantFile), so the plan reads the same cloud.
	Cloud string
	// Now dates the header (default time.Now).
	Now time.Time
	// Operator is the appId of the application entraform signs in as.
	// Name patterns leave it out (Result.LeftOut): a configuration that
	// adopts it could take away the permissions entraform runs with. -app
	// exports it.
	Operator string
}

// Result is an export: the files to write and what they hold.
type Result struct {
	Files []File
	// Applications are the exported applications in file order.
	Applications []Exported
	// Warnings are what could not be carried over faithfully (also written
	// as comments in the files).
	Warnings []string
	// LeftOut is the operator's application when a -name pattern matched
	// it and -app did not name it.
	LeftOut []AppSummary
}

// File is one configuration file.
type File struct {
	Name string // e.g. flask_demo.entra.hcl
	Src  []byte
}

// Exported names one exported application.
type Exported struct {
	Address     string // application.flask_demo
	AppID       string
	DisplayName string
	File        string
}

// SitesFile and TenantFile are the names of the files that hold the site
// blocks and the tenant block.
const (
	SitesFile  = "sites.entra.hcl"
	TenantFile = "tenant.entra.hcl"
	// DataFile holds the data blocks (lookups) the assignments name.
	DataFile = "data.entra.hcl"
)

// Export reads the applications and sites opts names and renders them as
// configuration files.
func Export(ctx context.Context, src Source, opts Options) (*Result, error) {
	if len(opts.AppIDs) == 0 && len(opts.Names) == 0 {
		return nil, fmt.Errorf("nothing to export: name applications with -app APPID or -name PATTERN")
	}
	if opts.Workspace == "" {
		return nil, fmt.Errorf("export: no workspace")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	ids, leftOut, err := findApplications(ctx, src, opts.AppIDs, opts.Names, opts.Operator)
	if err != nil {
		return nil, err
	}
	snap, err := src.Read(ctx, entra.ReadRequest{Workspace: opts.Workspace, Adopt: ids, Owners: true, AssignedTo: true})
	if err != nil {
		return nil, fmt.Errorf("reading the applications: %w", err)
	}
	byAppID := map[string]*entra.Application{}
	for _, a := range snap.Applications {
		byAppID[strings.ToLower(a.AppID)] = a
	}
	var missing []string
	for _, id := range ids {
		if byAppID[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no application with appId %s in the tenant", strings.Join(missing, ", "))
	}

	ix := newIndex(snap)
	exported := map[string]bool{} // service principal object ids
	var assigned []entra.AppRoleAssignment
	for _, id := range ids {
		if sp := ix.spByAppID[id]; sp != nil {
			exported[strings.ToLower(sp.ID)] = true
			assigned = append(assigned, sp.AssignedTo...)
		}
	}
	var others []entra.AppRoleAssignment
	for _, as := range assigned {
		if !exported[strings.ToLower(as.PrincipalID)] {
			others = append(others, as)
		}
	}
	principals, err := src.Principals(ctx, others)
	if err != nil {
		return nil, fmt.Errorf("reading who is assigned the applications' roles: %w", err)
	}
	names := namer{}
	data := &dataSet{}
	res := &Result{LeftOut: leftOut}
	blockOf := map[string]string{} // appId -> block name
	var apps []*appBlock
	for _, id := range ids {
		a := byAppID[id]
		b := ix.application(a, names.unique(identifier(a.DisplayName, "app")), opts.Workspace)
		ix.extras(a, b, exported, principals, data, opts.Operator)
		blockOf[id] = b.Name
		apps = append(apps, b)
	}
	// The exported applications name each other by address.
	for _, b := range apps {
		for i, p := range b.Permissions {
			if name, ok := blockOf[strings.ToLower(p.Resource)]; ok {
				b.Permissions[i].Resource = "application." + name
			}
		}
		b.Extras.BlockOf = blockOf
	}
	if lookups := data.list(); len(lookups) > 0 {
		header := []string{
			fmt.Sprintf("Exported by entraform export on %s from tenant %s.", opts.Now.UTC().Format(time.DateOnly), opts.TenantID),
			"The users, groups and service principals the exported applications' assignments name; looked up at plan time.",
		}
		res.Files = append(res.Files, File{Name: DataFile, Src: writeData(lookups, header)})
	}
	// Block names are unique, so are file names; an application named
	// "sites" or "tenant" moves aside when those files are written.
	for _, b := range apps {
		file := b.Name + ".entra.hcl"
		if (file == SitesFile && len(opts.Sites) > 0) || file == TenantFile || file == DataFile {
			file = "application_" + file
		}
		header := []string{
			fmt.Sprintf("Exported by entraform export on %s from tenant %s.", opts.Now.UTC().Format(time.DateOnly), opts.TenantID),
			"adopt keeps the application as it is: the first apply only marks it, and its service principal, as owned by this configuration's workspace.",
		}
		res.Files = append(res.Files, File{Name: file, Src: writeApplication(b, header)})
		res.Applications = append(res.Applications, Exported{Address: "application." + b.Name, AppID: b.AppID, DisplayName: b.DisplayName, File: file})
		for _, r := range b.Remarks {
			res.Warnings = append(res.Warnings, fmt.Sprintf("application.%s: %s", b.Name, r))
		}
	}

	if len(opts.Sites) > 0 {
		sites, perms, err := src.Sites(ctx, opts.Sites)
		if err != nil {
			return nil, err
		}
		siteNames := namer{}
		var blocks []*siteBlock
		for _, u := range opts.Sites {
			s := sites[u]
			if s == nil {
				return nil, fmt.Errorf("-site %s: no such site in the tenant", u)
			}
			if seenSite(blocks, s.WebURL) {
				continue
			}
			b := site(u, s, perms[s.ID], blockOf, siteNames)
			blocks = append(blocks, b)
			for _, r := range b.Remarks {
				res.Warnings = append(res.Warnings, fmt.Sprintf("site.%s: %s", b.Name, r))
			}
		}
		header := []string{
			fmt.Sprintf("Exported by entraform export on %s from tenant %s.", opts.Now.UTC().Format(time.DateOnly), opts.TenantID),
			"The Sites.Selected grants of the exported applications; sites are read, never created.",
		}
		res.Files = append(res.Files, File{Name: SitesFile, Src: writeSites(blocks, header)})
	}
	if opts.Cloud != "" && !strings.EqualFold(opts.Cloud, "public") {
		res.Files = append(res.Files, File{Name: TenantFile, Src: writeTenant(opts.Cloud)})
	}
	sort.SliceStable(res.Files, func(i, j int) bool { return res.Files[i].Name < res.Files[j].Name })
	return res, nil
}

func seenSite(blocks []*siteBlock, url string) bool {
	for _, b := range blocks {
		if url != "" && strings.EqualFold(b.URL, url) {
			return true
		}
	}
	return false
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/internal/export"
	"github.com/entraform/entraform/providers/graph"
)

const exportSynopsis = "export [-app APPID]... [-name PATTERN]... [-site URL]... [-out DIR] [-force] [-cloud NAME]"

// runExport writes configuration for applications that already exist,
// with adopt set, so that they come under management without being
// recreated.
func runExport(ctx context.Context, m *Meta, args []string) int {
	fs := newFlags(m, "export", exportSynopsis)
	var appIDs, names, sites stringList
	fs.Var(&appIDs, "app", "export the application with this appId (client id) (repeatable)")
	fs.Var(&names, "name", "export the applications whose display name matches PATTERN: * any run of characters, ? one, case ignored (repeatable)")
	fs.Var(&sites, "site", "export the Sites.Selected grants of the exported applications on the site at URL (repeatable)")
	out := fs.String("out", "", "write one file per application (and sites.entra.hcl) into DIR, created if missing; without it the configuration goes to stdout")
	force := fs.Bool("force", false, "overwrite files of the same names in -out")
	cloudName := fs.String("cloud", "public", "the cloud of the tenant: public, usgov or china")
	if ok, code := parseFlags(m, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		m.Errorf("export takes no arguments (got %q); name applications with -app APPID or -name PATTERN", fs.Arg(0))
		return ExitError
	}
	if len(appIDs) == 0 && len(names) == 0 {
		m.Errorf("nothing to export: name applications with -app APPID or -name PATTERN")
		fmt.Fprintf(m.Stderr, "Usage: entraform %s\n", exportSynopsis)
		return ExitError
	}
	dir := m.Dir
	if *out != "" {
		dir = m.Path(*out)
	}
	workspace := filepath.Base(dir)
	tenantID := m.Getenv(auth.EnvTenantID)

	g, operator, err := m.exportClient(ctx, *cloudName)
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	fmt.Fprintf(m.Stderr, "Reading tenant %s...\n", tenantID)
	res, err := export.Export(ctx, export.NewGraphSource(g), export.Options{
		AppIDs:    appIDs,
		Names:     names,
		Sites:     sites,
		Workspace: workspace,
		TenantID:  tenantID,
		Cloud:     *cloudName,
		Operator:  operator.ClientID,
	})
	if err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(m.Stderr, "Warning: %s\n", w)
	}
	for _, a := range res.LeftOut {
		fmt.Fprintf(m.Stderr, "Left out %q (appId %s): entraform signs in as it, and a configuration that adopts it could take away the permissions entraform runs with. Export it with -app %s if you mean to.\n", a.DisplayName, a.AppID, a.AppID)
	}
	if *out == "" {
		for i, f := range res.Files {
			if i > 0 {
				fmt.Fprintln(m.Stdout)
			}
			m.Stdout.Write(f.Src)
		}
		return ExitOK
	}
	if err := writeExport(dir, res.Files, *force); err != nil {
		m.Errorf("%v", err)
		return ExitError
	}
	fmt.Fprintf(m.Stdout, "Exported %s to %s:\n", count(len(res.Applications), "application", "applications"), *out)
	for _, a := range res.Applications {
		fmt.Fprintf(m.Stdout, "  %s  %s (%s)\n", a.File, a.Address, a.DisplayName)
	}
	if len(sites) > 0 {
		fmt.Fprintf(m.Stdout, "  %s  %s\n", export.SitesFile, count(len(sites), "site", "sites"))
	}
	fmt.Fprintf(m.Stdout, "\nThe plan of these files (workspace %q) shows only the change of ownership:\n  entraform -chdir=%s plan\n", workspace, *out)
	return ExitOK
}

// writeExport writes the files into dir, refusing (before writing any)
// to overwrite existing files unless force.
func writeExport(dir string, files []export.File, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	if !force {
		var exist []string
		for _, f := range files {
			_, err := os.Stat(filepath.Join(dir, f.Name))
			switch {
			case err == nil:
				exist = append(exist, f.Name)
			case !errors.Is(err, fs.ErrNotExist):
				return err
			}
		}
		if len(exist) > 0 {
			return fmt.Errorf("%s already has %s; export into another directory, or add -force to overwrite", dir, strings.Join(exist, ", "))
		}
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Src, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", f.Name, err)
		}
	}
	return nil
}

// exportClient signs the operator in (lazily) for reading the tenant.
// Export has no configuration, so the tenant comes from AZURE_TENANT_ID.
func (m *Meta) exportClient(ctx context.Context, cloudName string) (*graph.Client, auth.Description, error) {
	var none auth.Description
	cloud, err := endpoint.CloudByName(cloudName)
	if err != nil {
		return nil, none, err
	}
	if m.Getenv(auth.EnvTenantID) == "" {
		return nil, none, fmt.Errorf("no tenant: set %s", auth.EnvTenantID)
	}
	transport, err := m.transport(ctx)
	if err != nil {
		return nil, none, err
	}
	httpClient := &http.Client{Transport: transport}
	tokens, desc, err := auth.Operator(ctx, auth.OperatorOptions{
		Getenv:      m.Getenv,
		Cloud:       cloud,
		HTTPClient:  httpClient,
		Prompt:      m.Stderr,
		Interactive: m.StdinIsTerminal,
	})
	if err != nil {
		return nil, none, err
	}
	limits, err := m.graphLimits()
	if err != nil {
		return nil, none, err
	}
	g, err := graph.New(graph.Options{
		Budget:     limits,
		Tokens:     tokens,
		Cloud:      cloud,
		HTTPClient: httpClient,
		Log:        graph.DebugLog(m.Getenv, m.Stderr),
		UserAgent:  "entraform/" + Version(),
	})
	return g, desc, err
}

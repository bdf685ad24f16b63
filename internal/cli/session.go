package cli

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/sharepoint"
)

// configFlags are the flags of every command that loads the configuration.
type configFlags struct {
	vars, varFiles stringList
}

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.Var(&c.vars, "var", "set an input variable: -var 'name=value' (repeatable)")
	fs.Var(&c.varFiles, "var-file", "read input variable values from a file, HCL or .json (repeatable)")
}

// loadConfig loads the working directory's configuration and prints its
// diagnostics; ok is false when there are errors.
func (m *Meta) loadConfig(ctx context.Context, c configFlags) (*config.Config, bool) {
	cfg, diags := loadWatched(ctx, config.LoadOptions{
		Dir:      m.Dir,
		VarFiles: c.varFiles,
		Vars:     c.vars,
		Getenv:   m.Getenv,
	})
	m.addConfigSecrets(cfg)
	m.showDiagnostics(cfg.Files, diags)
	if diags.HasErrors() {
		return nil, false
	}
	if len(cfg.Applications) == 0 && len(cfg.Sites) == 0 && len(cfg.Checks) == 0 {
		files := 0
		for name := range cfg.Files {
			if strings.HasSuffix(name, ".entra.hcl") || strings.HasSuffix(name, ".entra.json") {
				files++
			}
		}
		if files == 0 {
			m.Errorf("no configuration files: %s has no *.entra.hcl or *.entra.json files", m.Dir)
			return nil, false
		}
	}
	return cfg, true
}

// session is a signed-in connection to the tenant of a configuration.
type session struct {
	engine     *engine.Engine
	cloud      endpoint.Cloud
	tenantID   string
	httpClient *http.Client
	operator   auth.Description
	// graph is the Graph client (its budget's figures feed the apply's
	// progress line).
	graph *graph.Client
	// snapshot is the tenant as the last plan read it.
	snapshot *plan.Snapshot
}

// graphLimits are the quotas the Graph client paces itself by:
// ENTRAFORM_GRAPH_LIMITS = documented (the default), off, or a limits
// file (the format of tenant serve -graph-limits).
func (m *Meta) graphLimits() (*graph.Limits, error) {
	v := strings.TrimSpace(m.Getenv("ENTRAFORM_GRAPH_LIMITS"))
	if v != "" && v != "off" && v != "documented" {
		v = m.Path(v)
	}
	l, err := graph.LimitsFromSetting(v, os.ReadFile)
	if err != nil {
		return nil, fmt.Errorf("ENTRAFORM_GRAPH_LIMITS: %w", err)
	}
	return l, nil
}

// connect signs the operator in (lazily: the first request does) and
// builds the engine for the configuration's tenant.
func (m *Meta) connect(ctx context.Context, cfg *config.Config) (*session, error) {
	m.secrets.Add(m.Getenv("AZURE_CLIENT_SECRET"))
	cloud, err := endpoint.CloudByName(cfg.Tenant.Cloud)
	if err != nil {
		return nil, err
	}
	transport, err := m.transport(ctx)
	if err != nil {
		return nil, err
	}
	httpClient := &http.Client{Transport: transport}
	tokens, desc, err := auth.Operator(ctx, auth.OperatorOptions{
		Getenv:         m.Getenv,
		Cloud:          cloud,
		TenantOverride: cfg.Tenant.ID,
		HTTPClient:     httpClient,
		Prompt:         m.Stderr,
		Interactive:    m.StdinIsTerminal,
	})
	if err != nil {
		return nil, err
	}
	// Concurrent requests share $batch requests, except in the naive
	// refresh, the benchmark's one-request-per-object baseline.
	naive := m.Getenv("ENTRAFORM_NAIVE_REFRESH") == "1"
	limits, err := m.graphLimits()
	if err != nil {
		return nil, err
	}
	g, err := graph.New(graph.Options{
		Budget:      limits,
		Tokens:      tokens,
		Cloud:       cloud,
		HTTPClient:  httpClient,
		Log:         graph.DebugLog(m.Getenv, m.Stderr),
		UserAgent:   "entraform/" + Version(),
		Coalesce:    !naive,
		MaxInFlight: engine.DefaultParallelism,
	})
	if err != nil {
		return nil, err
	}
	tenantID := cfg.Tenant.ID
	if tenantID == "" {
		tenantID = m.Getenv("AZURE_TENANT_ID")
	}
	if tenantID == "" {
		return nil, fmt.Errorf("no tenant: set id in the tenant block or AZURE_TENANT_ID")
	}
	return &session{
		engine: &engine.Engine{
			TenantID:   tenantID,
			Entra:      entra.New(g, entra.Options{}),
			SharePoint: sharepoint.New(g, sharepoint.Options{}),
			Naive:      naive,
			Coalescing: !naive,
		},
		cloud:      cloud,
		tenantID:   tenantID,
		httpClient: httpClient,
		operator:   desc,
		graph:      g,
	}, nil
}

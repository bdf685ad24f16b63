package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/entraform/entraform/auth"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
	"github.com/entraform/entraform/internal/engine"
	"github.com/entraform/entraform/providers/entra"
	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/sharepoint"
)

// connect builds an engine for cfg's tenant the way the commands do
// (internal/cli's session): endpoint transport, operator credential from
// the environment, Graph client (coalescing concurrent requests into
// $batch, except for the naive refresh or with opts.NoCoalesce),
// providers. The first request signs in. The caller closes the idle
// connections with the returned function.
func connect(ctx context.Context, getenv func(string) string, cacheDir string, cfg *config.Config, naive bool, opts Options, limits string) (*engine.Engine, *graph.Client, func(), error) {
	coalesce := !naive && !opts.NoCoalesce
	cloud, err := endpoint.CloudByName(cfg.Tenant.Cloud)
	if err != nil {
		return nil, nil, nil, err
	}
	transport, err := endpoint.Transport(getenv)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("endpoint transport: %w", err)
	}
	httpClient := &http.Client{Transport: transport}
	tokens, _, err := auth.Operator(ctx, auth.OperatorOptions{
		Getenv:     getenv,
		Cloud:      cloud,
		HTTPClient: httpClient,
		Prompt:     io.Discard,
		CacheDir:   cacheDir,
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("operator credential: %w", err)
	}
	budget, err := clientLimits(limits)
	if err != nil {
		return nil, nil, nil, err
	}
	g, err := graph.New(graph.Options{
		Budget:         budget,
		Tokens:         tokens,
		Cloud:          cloud,
		HTTPClient:     httpClient,
		UserAgent:      "entraform-bench",
		Coalesce:       coalesce,
		CoalesceWindow: opts.CoalesceWindow,
		MaxInFlight:    engine.DefaultParallelism,
	})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("graph client: %w", err)
	}
	e := &engine.Engine{
		TenantID:   getenv("AZURE_TENANT_ID"),
		Entra:      entra.New(g, entra.Options{}),
		SharePoint: sharepoint.New(g, sharepoint.Options{}),
		Naive:      naive,
		Coalescing: coalesce,
	}
	return e, g, transport.CloseIdleConnections, nil
}

// clientLimits are the quotas the client paces itself by for the
// tenant's -graph-limits setting: none when the tenant has none.
func clientLimits(setting string) (*graph.Limits, error) {
	if setting == "" || setting == "off" {
		return nil, nil
	}
	return graph.LimitsFromSetting(setting, os.ReadFile)
}

package auth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/entraform/entraform/endpoint"
)

// Environment variables of the operator credential chain (Azure conventions).
const (
	EnvTenantID              = "AZURE_TENANT_ID"
	EnvClientID              = "AZURE_CLIENT_ID"
	EnvClientSecret          = "AZURE_CLIENT_SECRET"
	EnvCertificatePath       = "AZURE_CLIENT_CERTIFICATE_PATH"
	EnvCertificatePassword   = "AZURE_CLIENT_CERTIFICATE_PASSWORD"
	EnvSendCertificateChain  = "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"
	EnvFederatedTokenFile    = "AZURE_FEDERATED_TOKEN_FILE"
	EnvActionsIDTokenURL     = "ACTIONS_ID_TOKEN_REQUEST_URL"
	EnvActionsIDTokenRequest = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
)

// DeviceCodeClientID is the public client used for device code sign-in
// when AZURE_CLIENT_ID is not set: the Azure CLI's well-known first-party
// application, which every tenant knows.
const DeviceCodeClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

// OperatorOptions configure Operator.
type OperatorOptions struct {
	// Getenv looks up environment variables ("" when unset).
	Getenv func(string) string
	// Cloud defaults to endpoint.Public().
	Cloud endpoint.Cloud
	// TenantOverride, when set (from the configuration's tenant block),
	// replaces AZURE_TENANT_ID.
	TenantOverride string
	// HTTPClient carries every request (identity platform, GitHub OIDC);
	// build it on endpoint.Transport.
	HTTPClient *http.Client
	// Prompt receives the device code instructions.
	Prompt io.Writer
	// Interactive is true when a person can answer a device code prompt
	// (stdin is a terminal).
	Interactive bool
	// CacheDir holds the persistent token cache of user sign-ins; default
	// os.UserCacheDir()/entraform.
	CacheDir string
}

// Operator chooses the credential of whoever runs entraform, in this order:
//
//  1. AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET;
//  2. ... + AZURE_CLIENT_CERTIFICATE_PATH (PEM with key, or PFX with
//     AZURE_CLIENT_CERTIFICATE_PASSWORD);
//  3. ... + AZURE_FEDERATED_TOKEN_FILE (re-read for every token);
//  4. ... + GitHub Actions OIDC (ACTIONS_ID_TOKEN_REQUEST_URL and
//     ACTIONS_ID_TOKEN_REQUEST_TOKEN);
//  5. device code sign-in when Interactive, as AZURE_CLIENT_ID or the Azure
//     CLI's public client, in AZURE_TENANT_ID or "organizations".
//
// It does no network I/O; the first Token call signs in. The error names
// the variables that were found and those that are missing.
func Operator(ctx context.Context, o OperatorOptions) (TokenSource, Description, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	tenant := o.TenantOverride
	tenantSource := "the configuration's tenant id"
	if tenant == "" {
		tenant = getenv(EnvTenantID)
		tenantSource = EnvTenantID
	}
	clientID := getenv(EnvClientID)
	app := App{Cloud: o.Cloud.OrPublic(), TenantID: tenant, ClientID: clientID, HTTPClient: o.HTTPClient}
	desc := Description{TenantID: tenant, ClientID: clientID}

	credVar := ""
	for _, name := range []string{EnvClientSecret, EnvCertificatePath, EnvFederatedTokenFile, EnvActionsIDTokenURL} {
		if getenv(name) != "" {
			credVar = name
			break
		}
	}

	if credVar != "" {
		var missing []string
		if tenant == "" {
			missing = append(missing, EnvTenantID)
		}
		if clientID == "" {
			missing = append(missing, EnvClientID)
		}
		if credVar == EnvActionsIDTokenURL && getenv(EnvActionsIDTokenRequest) == "" {
			missing = append(missing, EnvActionsIDTokenRequest)
		}
		if len(missing) > 0 {
			return nil, Description{}, fmt.Errorf("no operator credential: %s, but %s %s missing",
				setList(getenv, tenantSource, tenant), joinAnd(missing), isAre(len(missing)))
		}
		desc.Source = credVar
		var (
			src TokenSource
			err error
		)
		switch credVar {
		case EnvClientSecret:
			desc.Method = "client secret"
			src, err = NewSecretClient(app, getenv(EnvClientSecret))
		case EnvCertificatePath:
			desc.Method = "client certificate"
			certs, key, lerr := LoadCertificate(getenv(EnvCertificatePath), getenv(EnvCertificatePassword))
			if lerr != nil {
				return nil, Description{}, fmt.Errorf("operator credential from %s: %w", EnvCertificatePath, lerr)
			}
			app.SendCertificateChain = isTrue(getenv(EnvSendCertificateChain))
			src, err = NewCertificateClient(app, certs, key)
		case EnvFederatedTokenFile:
			desc.Method = "federated token file"
			src, err = NewAssertionClient(app, FederatedTokenFile(getenv(EnvFederatedTokenFile)))
		case EnvActionsIDTokenURL:
			desc.Method = "GitHub Actions OIDC"
			src, err = NewAssertionClient(app, GitHubActionsToken(o.HTTPClient,
				getenv(EnvActionsIDTokenURL), getenv(EnvActionsIDTokenRequest), DefaultFederatedAudience))
		}
		if err != nil {
			return nil, Description{}, fmt.Errorf("operator credential from %s: %w", credVar, err)
		}
		return src, desc, nil
	}

	if !o.Interactive {
		if tenant != "" && clientID != "" {
			return nil, Description{}, fmt.Errorf("no operator credential: %s, but none of %s, %s, %s, %s is set",
				setList(getenv, tenantSource, tenant), EnvClientSecret, EnvCertificatePath, EnvFederatedTokenFile, EnvActionsIDTokenURL)
		}
		found := setList(getenv, tenantSource, tenant)
		if found == "" {
			found = "none of " + strings.Join([]string{EnvTenantID, EnvClientID, EnvClientSecret,
				EnvCertificatePath, EnvFederatedTokenFile, EnvActionsIDTokenURL}, ", ") + " is set"
		}
		return nil, Description{}, fmt.Errorf("no operator credential: %s, and device code sign-in needs a terminal (stdin is not one); set %s, %s and %s, or one of %s, %s, %s",
			found, EnvTenantID, EnvClientID, EnvClientSecret, EnvCertificatePath, EnvFederatedTokenFile, EnvActionsIDTokenURL)
	}

	if app.ClientID == "" {
		app.ClientID = DeviceCodeClientID
	}
	if app.TenantID == "" {
		app.TenantID = "organizations"
	}
	src, err := newDeviceCodeSource(app, o.Prompt, o.CacheDir)
	if err != nil {
		return nil, Description{}, fmt.Errorf("device code sign-in: %w", err)
	}
	return src, Description{Method: "device code", TenantID: app.TenantID, ClientID: app.ClientID}, nil
}

// setList says which of the identity variables are set, as
// "AZURE_TENANT_ID is set, AZURE_CLIENT_ID is set".
func setList(getenv func(string) string, tenantSource, tenant string) string {
	var parts []string
	if tenant != "" {
		parts = append(parts, tenantSource+" is set")
	}
	for _, name := range []string{EnvClientID, EnvClientSecret, EnvCertificatePath, EnvFederatedTokenFile, EnvActionsIDTokenURL, EnvActionsIDTokenRequest} {
		if getenv(name) != "" {
			parts = append(parts, name+" is set")
		}
	}
	return strings.Join(parts, ", ")
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func isTrue(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes":
		return true
	}
	return false
}

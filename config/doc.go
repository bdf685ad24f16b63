// Package config turns entraform's HCL files into a typed, fully evaluated
// model: the desired app registrations, their permissions and credentials,
// the SharePoint site grants, the login checks and the outputs.
//
// # Loading
//
//	cfg, diags := config.Load(config.LoadOptions{
//		Dir:      dir,          // every *.entra.hcl and *.entra.json in it
//		VarFiles: varFiles,     // -var-file, in order (relative to Dir)
//		Vars:     vars,         // -var 'k=v', in order
//		Getenv:   env.Getenv,   // ENTRAFORM_VAR_<name>
//		Catalog:  nil,          // nil: BuiltinCatalog()
//	})
//
// Load always returns a Config whose Dir and Files are set (for rendering
// diagnostics with snippets); the rest is complete only when diags has no
// error. Every diagnostic is an *hcl.Diagnostic; those about a place in a
// file carry a Subject range. Bad input never panics.
//
// Variable values are layered: default < -var-file < ENTRAFORM_VAR_<name> <
// -var. Values from -var and the environment are taken literally for
// string, number and bool variables (and untyped ones) and parsed as HCL
// for collection and object types. Sensitive variables' values carry
// SensitiveMark.
//
// # The model
//
// Config.Applications, Sites and Checks are expanded instances with
// addresses (application.x, application.x["k"], application.x[0]), sorted
// by block name and then key. Everything in them is known at load time:
// defaults are applied (see ARCHITECTURE.md), permission names are
// resolved against the catalog (PermissionRef.Value and ID; both empty for
// a resource GUID the catalog does not know, for the engine to resolve
// against the tenant), and grant/check application references are resolved
// to instance addresses. Durations accept Go syntax plus days ("180d").
// Paths (Secret.WriteTo, Certificate.PrivateKeyFile) are relative to the
// configuration directory; Config.Path resolves them.
//
// An application's app_id, object_id and service_principal_id are known
// only after apply. Expressions may use them only in output blocks, which
// the engine evaluates with Config.EvalOutputs once it knows them.
// Config.Hash identifies the configuration and variable values, for the
// stale-plan check.
//
// # Expressions
//
// In expressions: var.<name>, local.<name>, application.<name> (attributes
// address, name, display_name, unique_name, sign_in_audience, notes,
// admin_consent, and the computed app_id, object_id, service_principal_id),
// site.<name> (address, name, url), data.<type>.<name> (address, the
// lookup's key, and the id, display_name and app_id found at plan time,
// which only outputs may use: Config.EvalOutputsWithData), each.key /
// each.value and count.index in expanded blocks. FunctionNames lists the
// functions.
//
// Scopes and app roles (API, AppRole) get ids without state: StableID
// derives them from the unique name and the block label unless id is
// given. Owners and assignment principals (Owner) name users by user
// principal name or data.user, service principals by application
// address, data.service_principal or appId; the plan resolves them.
//
// # Catalog
//
// Permission names resolve with package config/catalog; this package
// re-exports its types as Catalog, CatalogResource, PermissionDef and
// PermissionKind, with BuiltinCatalog and NewCatalog.
package config

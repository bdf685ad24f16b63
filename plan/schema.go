package plan

import (
	"fmt"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// Attribute describes one attribute of an object type.
type Attribute struct {
	Name string
	Type cty.Type
	// ForcesReplacement: a change of this attribute replaces the object.
	ForcesReplacement bool
	// Computed: set by the tenant; a desired value of unknown means "keep
	// whatever the tenant has" for an existing object.
	Computed bool
	// Sensitive: rendered as (sensitive value), never written anywhere.
	Sensitive bool
}

var stringList = cty.List(cty.String)

// schemas lists each object type's attributes in the order a plan shows
// them (alphabetical, as Terraform does).
var schemas = map[ObjectType][]Attribute{
	TypeApplication: {
		{Name: "access_token_issuance", Type: cty.Bool},
		{Name: "api_known_client_applications", Type: stringList},
		{Name: "api_permissions", Type: stringList},
		{Name: "api_pre_authorized", Type: stringList},
		{Name: "api_scopes", Type: stringList},
		{Name: "app_id", Type: cty.String, Computed: true},
		{Name: "app_roles", Type: stringList},
		{Name: "display_name", Type: cty.String},
		{Name: "fallback_public_client", Type: cty.Bool},
		{Name: "group_membership_claims", Type: cty.String},
		{Name: "home_page_url", Type: cty.String},
		{Name: "id_token_issuance", Type: cty.Bool},
		{Name: "identifier_uris", Type: stringList},
		{Name: "logout_url", Type: cty.String},
		{Name: "marketing_url", Type: cty.String},
		{Name: "notes", Type: cty.String},
		{Name: "object_id", Type: cty.String, Computed: true},
		{Name: "optional_claims", Type: stringList},
		{Name: "privacy_statement_url", Type: cty.String},
		{Name: "public_client_redirect_uris", Type: stringList},
		{Name: "requested_access_token_version", Type: cty.String},
		{Name: "service_management_reference", Type: cty.String},
		{Name: "sign_in_audience", Type: cty.String},
		{Name: "spa_redirect_uris", Type: stringList},
		{Name: "support_url", Type: cty.String},
		{Name: "tags", Type: stringList},
		{Name: "terms_of_service_url", Type: cty.String},
		{Name: "unique_name", Type: cty.String, ForcesReplacement: true},
		{Name: "web_redirect_uris", Type: stringList},
		{Name: "workspace", Type: cty.String},
	},
	TypeServicePrincipal: {
		{Name: "app_id", Type: cty.String, ForcesReplacement: true},
		{Name: "app_role_assignment_required", Type: cty.Bool},
		{Name: "login_url", Type: cty.String},
		{Name: "notes", Type: cty.String},
		{Name: "object_id", Type: cty.String, Computed: true},
		{Name: "tags", Type: stringList},
		{Name: "workspace", Type: cty.String},
	},
	TypeConsent: {
		{Name: "client_id", Type: cty.String, Computed: true, ForcesReplacement: true},
		{Name: "consent_type", Type: cty.String, ForcesReplacement: true},
		{Name: "resource", Type: cty.String, ForcesReplacement: true},
		{Name: "resource_app_id", Type: cty.String, ForcesReplacement: true},
		{Name: "scopes", Type: stringList},
	},
	TypeRoleAssignment: {
		{Name: "app_role_id", Type: cty.String, ForcesReplacement: true},
		{Name: "principal_id", Type: cty.String, Computed: true, ForcesReplacement: true},
		{Name: "resource", Type: cty.String, ForcesReplacement: true},
		{Name: "resource_app_id", Type: cty.String, ForcesReplacement: true},
		{Name: "role", Type: cty.String, ForcesReplacement: true},
	},
	TypeSecret: {
		{Name: "display_name", Type: cty.String},
		{Name: "end_date", Type: cty.String, Computed: true},
		{Name: "hint", Type: cty.String, Computed: true},
		{Name: "key_id", Type: cty.String, Computed: true},
		{Name: "value", Type: cty.String, Computed: true, Sensitive: true},
		{Name: "write_to", Type: cty.String},
	},
	TypeCertificate: {
		{Name: "display_name", Type: cty.String},
		{Name: "end_date", Type: cty.String, Computed: true},
		{Name: "key_id", Type: cty.String, Computed: true},
		{Name: "private_key_file", Type: cty.String},
		{Name: "thumbprint", Type: cty.String, ForcesReplacement: true},
	},
	TypeFederatedCredential: {
		{Name: "audiences", Type: stringList},
		{Name: "description", Type: cty.String},
		{Name: "issuer", Type: cty.String},
		{Name: "name", Type: cty.String, ForcesReplacement: true},
		{Name: "subject", Type: cty.String},
	},
	TypeOwner: {
		{Name: "kind", Type: cty.String, ForcesReplacement: true},
		{Name: "name", Type: cty.String},
		{Name: "object_id", Type: cty.String, Computed: true, ForcesReplacement: true},
	},
	TypeAssignment: {
		{Name: "app_role", Type: cty.String, ForcesReplacement: true},
		{Name: "app_role_id", Type: cty.String, ForcesReplacement: true},
		{Name: "principal", Type: cty.String, ForcesReplacement: true},
		{Name: "principal_id", Type: cty.String, Computed: true, ForcesReplacement: true},
		{Name: "principal_type", Type: cty.String, ForcesReplacement: true},
	},
	TypeSitePermission: {
		{Name: "application", Type: cty.String, ForcesReplacement: true},
		{Name: "permission_id", Type: cty.String, Computed: true},
		{Name: "roles", Type: stringList},
		{Name: "site_id", Type: cty.String, ForcesReplacement: true},
		{Name: "site_url", Type: cty.String},
	},
}

// Schema returns the attributes of an object type.
func Schema(t ObjectType) []Attribute { return schemas[t] }

// ObjectTypeOf returns the cty object type of an object type's values.
func ObjectTypeOf(t ObjectType) cty.Type {
	if ty, ok := objectTypes[t]; ok {
		return ty
	}
	return objectType(t)
}

// objectTypes holds the cty type of every object type, built once: a plan
// asks for them for every change, and building one allocates its maps.
var objectTypes = func() map[ObjectType]cty.Type {
	out := make(map[ObjectType]cty.Type, len(schemas))
	for t := range schemas {
		out[t] = objectType(t)
	}
	return out
}()

func objectType(t ObjectType) cty.Type {
	attrs := make(map[string]cty.Type, len(schemas[t]))
	for _, a := range schemas[t] {
		attrs[a.Name] = a.Type
	}
	return cty.Object(attrs)
}

// attribute returns the schema of one attribute.
func attribute(t ObjectType, name string) (Attribute, bool) {
	for _, a := range schemas[t] {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// NewValue builds an object value of type t from Go values. Missing
// attributes are null; a value of type cty.Value is taken as is. It panics
// on a name not in the schema: that is a programming error.
func NewValue(t ObjectType, v map[string]any) cty.Value {
	out := make(map[string]cty.Value, len(schemas[t]))
	for _, a := range schemas[t] {
		out[a.Name] = cty.NullVal(a.Type)
	}
	for name, raw := range v {
		a, ok := attribute(t, name)
		if !ok {
			panic(fmt.Sprintf("plan: %s has no attribute %q", t, name))
		}
		out[name] = toCty(a.Type, raw)
	}
	return cty.ObjectVal(out)
}

func toCty(ty cty.Type, raw any) cty.Value {
	switch x := raw.(type) {
	case cty.Value:
		return x
	case nil:
		return cty.NullVal(ty)
	case string:
		if x == "" {
			return cty.NullVal(ty)
		}
		return cty.StringVal(x)
	case bool:
		return cty.BoolVal(x)
	case []string:
		return listOf(x)
	}
	panic(fmt.Sprintf("plan: cannot convert %T", raw))
}

// listOf returns a sorted list of strings (an empty list, not null, when
// there are none) so that ordering never shows as a change.
func listOf(s []string) cty.Value {
	if len(s) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	c := append([]string(nil), s...)
	sort.Strings(c)
	vals := make([]cty.Value, 0, len(c))
	for i, v := range c {
		if i > 0 && c[i-1] == v {
			continue
		}
		vals = append(vals, cty.StringVal(v))
	}
	return cty.ListVal(vals)
}

var unknownString = cty.UnknownVal(cty.String)

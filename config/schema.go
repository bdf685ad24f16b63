package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// node describes the attributes and nested blocks a block body may hold.
type node struct {
	attrs  []hcl.AttributeSchema
	blocks []nested
}

// nested is a nested block type.
type nested struct {
	typ    string
	labels []string
	single bool // at most one
	body   *node
}

func (n *node) schema() *hcl.BodySchema {
	s := &hcl.BodySchema{Attributes: n.attrs}
	for _, b := range n.blocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: b.typ, LabelNames: b.labels})
	}
	return s
}

func attrs(required []string, optional ...string) []hcl.AttributeSchema {
	var out []hcl.AttributeSchema
	for _, n := range required {
		out = append(out, hcl.AttributeSchema{Name: n, Required: true})
	}
	for _, n := range optional {
		out = append(out, hcl.AttributeSchema{Name: n})
	}
	return out
}

var (
	tenantSchema = &node{attrs: attrs(nil, "id", "cloud", "sharepoint", "workspace")}

	variableSchema = &node{
		attrs: attrs(nil, "type", "default", "description", "sensitive", "nullable"),
		blocks: []nested{{typ: "validation", body: &node{
			attrs: attrs([]string{"condition", "error_message"}),
		}}},
	}

	redirectSchema = &node{attrs: attrs(nil, "redirect_uris")}

	applicationSchema = &node{
		attrs: attrs([]string{"display_name"}, "unique_name", "sign_in_audience", "notes",
			"admin_consent", "adopt", "for_each", "count",
			"identifier_uris", "group_membership_claims", "tags", "service_management_reference",
			"marketing_url", "privacy_statement_url", "terms_of_service_url", "support_url", "owners"),
		blocks: []nested{
			{typ: "api", single: true, body: apiSchema},
			{typ: "app_role", labels: []string{"name"}, body: &node{
				attrs: attrs([]string{"value", "display_name", "allowed_member_types"}, "description", "enabled", "id")}},
			{typ: "optional_claims", single: true, body: optionalClaimsSchema},
			{typ: "service_principal", single: true, body: &node{
				attrs: attrs(nil, "app_role_assignment_required", "notes", "tags", "login_url", "owners"),
				blocks: []nested{{typ: "assignment", labels: []string{"name"}, body: &node{
					attrs: attrs([]string{"principal"}, "app_role")}}},
			}},
			{typ: "web", single: true, body: &node{attrs: attrs(nil, "redirect_uris",
				"home_page_url", "logout_url", "id_token_issuance", "access_token_issuance")}},
			{typ: "public_client", single: true, body: redirectSchema},
			{typ: "spa", single: true, body: redirectSchema},
			{typ: "permission", labels: []string{"resource"}, body: &node{attrs: attrs(nil, "delegated", "application")}},
			{typ: "secret", labels: []string{"name"}, body: &node{attrs: attrs(nil, "expires_in", "rotate_before", "write_to")}},
			{typ: "certificate", labels: []string{"name"}, body: &node{
				attrs: attrs([]string{"private_key_file"}, "expires_in", "rotate_before")}},
			{typ: "federated_credential", labels: []string{"name"}, body: &node{
				attrs: attrs([]string{"issuer", "subject"}, "audiences", "description")}},
		},
	}

	apiSchema = &node{
		attrs: attrs(nil, "requested_access_token_version", "known_client_applications"),
		blocks: []nested{
			{typ: "scope", labels: []string{"name"}, body: &node{attrs: attrs([]string{"value"},
				"admin_consent_display_name", "admin_consent_description",
				"user_consent_display_name", "user_consent_description", "type", "enabled", "id")}},
			{typ: "pre_authorized", labels: []string{"name"}, body: &node{
				attrs: attrs([]string{"application", "scopes"})}},
		},
	}

	claimSchema          = &node{attrs: attrs(nil, "essential", "additional_properties")}
	optionalClaimsSchema = &node{blocks: []nested{
		{typ: "id_token", labels: []string{"name"}, body: claimSchema},
		{typ: "access_token", labels: []string{"name"}, body: claimSchema},
		{typ: "saml2_token", labels: []string{"name"}, body: claimSchema},
	}}

	// dataSchemas are the lookups, by data type.
	dataSchemas = map[string]*node{
		"user":              {attrs: attrs([]string{"user_principal_name"})},
		"group":             {attrs: attrs([]string{"display_name"})},
		"service_principal": {attrs: attrs(nil, "app_id", "display_name")},
		"site":              {attrs: attrs([]string{"url"})},
	}

	siteSchema = &node{
		attrs: attrs([]string{"url"}, "for_each", "count"),
		blocks: []nested{{typ: "grant", labels: []string{"name"}, body: &node{
			attrs: attrs([]string{"application", "roles"}),
		}}},
	}

	checkSchema = &node{
		attrs: attrs([]string{"application", "flow"}, "scopes", "expect_roles", "expect_scopes",
			"expect_error", "user", "for_each", "count"),
		blocks: []nested{{typ: "request", labels: []string{"name"}, body: &node{
			attrs: attrs([]string{"url"}, "method", "status", "headers", "body"),
		}}},
	}

	outputSchema = &node{attrs: attrs([]string{"value"}, "description", "sensitive")}

	// rootBlocks are the top-level blocks. locals has no body schema (any
	// attributes); the body of data depends on its first label
	// (dataSchemas). The JSON Schema of *.entra.json files
	// (docs/entra.schema.json, JSONSchema) is generated from these.
	rootBlocks = []nested{
		{typ: "tenant", single: true, body: tenantSchema},
		{typ: "variable", labels: []string{"name"}, body: variableSchema},
		{typ: "locals"},
		{typ: "application", labels: []string{"name"}, body: applicationSchema},
		{typ: "site", labels: []string{"name"}, body: siteSchema},
		{typ: "check", labels: []string{"name"}, body: checkSchema},
		{typ: "output", labels: []string{"name"}, body: outputSchema},
		{typ: "data", labels: []string{"type", "name"}},
		{typ: "policy", labels: []string{"name"}, body: policySchema},
		{typ: "ignore", labels: []string{"rule"}, body: ignoreSchema},
	}
	rootSchema = (&node{blocks: rootBlocks}).schema()
)

// body is a decoded block body: its attributes and nested blocks, checked
// against a schema (unknown, missing and repeated items are diagnosed).
type body struct {
	attrs  hcl.Attributes
	blocks map[string][]*block
}

// block is a decoded nested block.
type block struct {
	typ         string
	labels      []string
	labelRanges []hcl.Range
	defRange    hcl.Range
	body        *body
}

func (b *block) label() string {
	if len(b.labels) == 0 {
		return ""
	}
	return b.labels[0]
}

// decodeBody checks hb against n and returns its content.
func decodeBody(hb hcl.Body, n *node) (*body, hcl.Diagnostics) {
	content, diags := hb.Content(n.schema())
	if content == nil {
		content = &hcl.BodyContent{}
	}
	out := &body{attrs: content.Attributes, blocks: map[string][]*block{}}
	for _, nb := range n.blocks {
		for _, hb := range content.Blocks.OfType(nb.typ) {
			if nb.single && len(out.blocks[nb.typ]) > 0 {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  fmt.Sprintf("Duplicate %s block", nb.typ),
					Detail: fmt.Sprintf("Only one %s block is allowed here; the first is at %s.",
						nb.typ, out.blocks[nb.typ][0].defRange),
					Subject: hb.DefRange.Ptr(),
				})
				continue
			}
			child, d := decodeBody(hb.Body, nb.body)
			diags = append(diags, d...)
			out.blocks[nb.typ] = append(out.blocks[nb.typ], &block{
				typ: hb.Type, labels: hb.Labels, labelRanges: hb.LabelRanges,
				defRange: hb.DefRange, body: child,
			})
		}
	}
	return out, diags
}

// traversals returns every variable reference in the body, nested blocks
// included.
func (b *body) traversals() []hcl.Traversal {
	var out []hcl.Traversal
	for _, name := range sortedKeys(b.attrs) {
		out = append(out, b.attrs[name].Expr.Variables()...)
	}
	for _, typ := range sortedKeys(b.blocks) {
		for _, c := range b.blocks[typ] {
			out = append(out, c.body.traversals()...)
		}
	}
	return out
}

// first returns the first nested block of typ, or nil.
func (b *body) first(typ string) *block {
	if bs := b.blocks[typ]; len(bs) > 0 {
		return bs[0]
	}
	return nil
}

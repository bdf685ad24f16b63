package export

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/providers/entra"
)

// writeExtras writes identifier URIs, claims, tags, branding, owners, the
// exposed API, app roles and the service_principal block into an
// application block's body.
func writeExtras(body *hclwrite.Body, x extras) {
	if len(x.IdentifierURIs) > 0 {
		body.SetAttributeValue("identifier_uris", stringList(x.IdentifierURIs))
	}
	if x.GroupClaims != "" {
		body.SetAttributeValue("group_membership_claims", cty.StringVal(x.GroupClaims))
	}
	if len(x.Tags) > 0 {
		body.SetAttributeValue("tags", stringList(x.Tags))
	}
	if x.SMR != "" {
		body.SetAttributeValue("service_management_reference", cty.StringVal(x.SMR))
	}
	for i, name := range []string{"marketing_url", "privacy_statement_url", "terms_of_service_url", "support_url"} {
		if x.Info[i] != "" {
			body.SetAttributeValue(name, cty.StringVal(x.Info[i]))
		}
	}
	if len(x.Owners) > 0 {
		body.SetAttributeValue("owners", stringList(x.Owners))
	}
	if api := x.API; api != nil {
		body.AppendNewline()
		ab := body.AppendNewBlock("api", nil).Body()
		if v := api.RequestedAccessTokenVersion; v != nil {
			ab.SetAttributeValue("requested_access_token_version", cty.NumberIntVal(int64(*v)))
		}
		if len(api.KnownClientApplications) > 0 {
			ab.SetAttributeValue("known_client_applications", stringList(lowerAll(api.KnownClientApplications)))
		}
		labels := namer{}
		for _, s := range api.OAuth2PermissionScopes {
			sb := ab.AppendNewBlock("scope", []string{labels.unique(identifier(s.Value, "scope"))}).Body()
			sb.SetAttributeValue("id", cty.StringVal(strings.ToLower(s.ID)))
			sb.SetAttributeValue("value", cty.StringVal(s.Value))
			if s.Type != "" && s.Type != "User" {
				sb.SetAttributeValue("type", cty.StringVal(s.Type))
			}
			for _, f := range []struct{ k, v string }{
				{"admin_consent_display_name", s.AdminConsentDisplayName}, {"admin_consent_description", s.AdminConsentDescription},
				{"user_consent_display_name", s.UserConsentDisplayName}, {"user_consent_description", s.UserConsentDescription},
			} {
				if f.v != "" {
					sb.SetAttributeValue(f.k, cty.StringVal(f.v))
				}
			}
			if !s.IsEnabled {
				sb.SetAttributeValue("enabled", cty.False)
			}
		}
		labels = namer{}
		for _, p := range api.PreAuthorizedApplications {
			appID := strings.ToLower(p.AppID)
			if name, ok := x.BlockOf[appID]; ok {
				pb := ab.AppendNewBlock("pre_authorized", []string{labels.unique(name)}).Body()
				pb.SetAttributeTraversal("application", hcl.Traversal{hcl.TraverseRoot{Name: "application"}, hcl.TraverseAttr{Name: name}})
				writePreAuthScopes(pb, p, api)
				continue
			}
			pb := ab.AppendNewBlock("pre_authorized", []string{labels.unique(identifier("app_"+appID[:min(8, len(appID))], "client"))}).Body()
			pb.SetAttributeValue("application", cty.StringVal(appID))
			writePreAuthScopes(pb, p, api)
		}
	}
	writeRolesClaimsSP(body, x)
}

// writePreAuthScopes writes the values of a pre-authorized client's scopes.
func writePreAuthScopes(pb *hclwrite.Body, p entra.PreAuthorizedApplication, api *entra.APIApplication) {
	var values []string
	for _, id := range p.DelegatedPermissionIDs {
		for _, s := range api.OAuth2PermissionScopes {
			if strings.EqualFold(s.ID, id) {
				values = append(values, s.Value)
			}
		}
	}
	pb.SetAttributeValue("scopes", stringList(sortedCopy(values)))
}

// writeRolesClaimsSP writes the app roles, optional claims and the
// service_principal block.
func writeRolesClaimsSP(body *hclwrite.Body, x extras) {
	labels := namer{}
	for _, r := range x.AppRoles {
		body.AppendNewline()
		rb := body.AppendNewBlock("app_role", []string{labels.unique(identifier(r.Value, "role"))}).Body()
		rb.SetAttributeValue("id", cty.StringVal(strings.ToLower(r.ID)))
		rb.SetAttributeValue("value", cty.StringVal(r.Value))
		rb.SetAttributeValue("display_name", cty.StringVal(r.DisplayName))
		if r.Description != "" {
			rb.SetAttributeValue("description", cty.StringVal(r.Description))
		}
		rb.SetAttributeValue("allowed_member_types", stringList(sortedCopy(r.AllowedMemberTypes)))
		if !r.IsEnabled {
			rb.SetAttributeValue("enabled", cty.False)
		}
	}
	if c := x.Claims; c != nil {
		body.AppendNewline()
		cb := body.AppendNewBlock("optional_claims", nil).Body()
		for _, k := range []struct {
			typ  string
			list []entra.OptionalClaim
		}{{"id_token", c.IDToken}, {"access_token", c.AccessToken}, {"saml2_token", c.SAML2Token}} {
			for _, oc := range k.list {
				ob := cb.AppendNewBlock(k.typ, []string{oc.Name}).Body()
				if oc.Essential {
					ob.SetAttributeValue("essential", cty.True)
				}
				if len(oc.AdditionalProperties) > 0 {
					ob.SetAttributeValue("additional_properties", stringList(sortedCopy(oc.AdditionalProperties)))
				}
			}
		}
	}
	if s := x.SP; s != nil {
		body.AppendNewline()
		sb := body.AppendNewBlock("service_principal", nil).Body()
		if s.AssignmentRequired {
			sb.SetAttributeValue("app_role_assignment_required", cty.True)
		}
		if s.Notes != "" {
			sb.SetAttributeValue("notes", cty.StringVal(s.Notes))
		}
		if len(s.Tags) > 0 {
			sb.SetAttributeValue("tags", stringList(s.Tags))
		}
		if s.LoginURL != "" {
			sb.SetAttributeValue("login_url", cty.StringVal(s.LoginURL))
		}
		if len(s.Owners) > 0 {
			sb.SetAttributeValue("owners", stringList(s.Owners))
		}
		for _, a := range s.Assignments {
			asb := sb.AppendNewBlock("assignment", []string{a.Name}).Body()
			asb.SetAttributeTraversal("principal", hcl.Traversal{
				hcl.TraverseRoot{Name: "data"}, hcl.TraverseAttr{Name: a.Principal.Type}, hcl.TraverseAttr{Name: a.Principal.Name},
			})
			if a.AppRole != "" {
				asb.SetAttributeValue("app_role", cty.StringVal(a.AppRole))
			}
		}
	}
}

func lowerAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.ToLower(v)
	}
	return sortedCopy(out)
}

// writeData renders the data blocks file.
func writeData(blocks []*dataBlock, header []string) []byte {
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	comment(root, "", header...)
	for i, d := range blocks {
		if i > 0 {
			root.AppendNewline()
		}
		root.AppendNewBlock("data", []string{d.Type, d.Name}).Body().SetAttributeValue(d.Attr, cty.StringVal(d.Value))
	}
	return hclwrite.Format(f.Bytes())
}

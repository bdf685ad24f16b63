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
	setList(body, "identifier_uris", x.IdentifierURIs)
	setString(body, "group_membership_claims", x.GroupClaims)
	setList(body, "tags", x.Tags)
	setString(body, "service_management_reference", x.SMR)
	for i, name := range []string{"marketing_url", "privacy_statement_url", "terms_of_service_url", "support_url"} {
		setString(body, name, x.Info[i])
	}
	setList(body, "owners", x.Owners)
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
			setString(sb, "admin_consent_display_name", s.AdminConsentDisplayName)
			setString(sb, "admin_consent_description", s.AdminConsentDescription)
			setString(sb, "user_consent_display_name", s.UserConsentDisplayName)
			setString(sb, "user_consent_description", s.UserConsentDescription)
			if !s.IsEnabled {
				sb.SetAttributeValue("enabled", cty.False)
			}
		}
		labels = namer{}
		for _, p := range api.PreAuthorizedApplications {
			appID := strings.ToLower(p.AppID)
			name, own := x.BlockOf[appID]
			if !own {
				name = identifier("app_"+appID[:min(8, len(appID))], "client")
			}
			pb := ab.AppendNewBlock("pre_authorized", []string{labels.unique(name)}).Body()
			if own {
				pb.SetAttributeTraversal("application", hcl.Traversal{hcl.TraverseRoot{Name: "application"}, hcl.TraverseAttr{Name: name}})
			} else {
				pb.SetAttributeValue("application", cty.StringVal(appID))
			}
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
		setString(rb, "description", r.Description)
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
				setList(ob, "additional_properties", sortedCopy(oc.AdditionalProperties))
			}
		}
	}
	if s := x.SP; s != nil {
		body.AppendNewline()
		sb := body.AppendNewBlock("service_principal", nil).Body()
		if s.AssignmentRequired {
			sb.SetAttributeValue("app_role_assignment_required", cty.True)
		}
		setString(sb, "notes", s.Notes)
		setList(sb, "tags", s.Tags)
		setString(sb, "login_url", s.LoginURL)
		setList(sb, "owners", s.Owners)
		for _, a := range s.Assignments {
			asb := sb.AppendNewBlock("assignment", []string{a.Name}).Body()
			asb.SetAttributeTraversal("principal", hcl.Traversal{
				hcl.TraverseRoot{Name: "data"}, hcl.TraverseAttr{Name: a.Principal.Type}, hcl.TraverseAttr{Name: a.Principal.Name},
			})
			setString(asb, "app_role", a.AppRole)
		}
	}
}

// setString writes an attribute that is left out when empty.
func setString(b *hclwrite.Body, name, v string) {
	if v != "" {
		b.SetAttributeValue(name, cty.StringVal(v))
	}
}

// setList writes a list attribute that is left out when empty.
func setList(b *hclwrite.Body, name string, v []string) {
	if len(v) > 0 {
		b.SetAttributeValue(name, stringList(v))
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

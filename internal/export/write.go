package export

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/config"
)

// commentWidth is where comments wrap.
const commentWidth = 78

// writeApplication renders one application's file.
func writeApplication(a *appBlock, header []string) []byte {
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	comment(root, "", header...)
	for _, r := range a.Remarks {
		comment(root, "", "Note: "+r)
	}
	blk := root.AppendNewBlock("application", []string{a.Name})
	body := blk.Body()
	body.SetAttributeValue("display_name", cty.StringVal(a.DisplayName))
	body.SetAttributeValue("adopt", cty.StringVal(a.AppID))
	if a.Audience != "" {
		body.SetAttributeValue("sign_in_audience", cty.StringVal(a.Audience))
	}
	if a.Notes != "" {
		body.SetAttributeValue("notes", cty.StringVal(a.Notes))
	}
	if w := a.Web; w != nil {
		body.AppendNewline()
		wb := body.AppendNewBlock("web", nil).Body()
		if len(w.RedirectURIs) > 0 {
			wb.SetAttributeValue("redirect_uris", stringList(w.RedirectURIs))
		}
		if w.HomePageURL != "" {
			wb.SetAttributeValue("home_page_url", cty.StringVal(w.HomePageURL))
		}
		if w.LogoutURL != "" {
			wb.SetAttributeValue("logout_url", cty.StringVal(w.LogoutURL))
		}
		if w.IDTokenIssuance {
			wb.SetAttributeValue("id_token_issuance", cty.True)
		}
		if w.AccessTokenIssuance {
			wb.SetAttributeValue("access_token_issuance", cty.True)
		}
	}
	if a.HasPublic {
		body.AppendNewline()
		pb := body.AppendNewBlock("public_client", nil).Body()
		if len(a.PublicClient) > 0 {
			pb.SetAttributeValue("redirect_uris", stringList(a.PublicClient))
		}
	}
	if len(a.SPA) > 0 {
		body.AppendNewline()
		body.AppendNewBlock("spa", nil).Body().SetAttributeValue("redirect_uris", stringList(a.SPA))
	}
	for _, p := range a.Permissions {
		body.AppendNewline()
		pb := body.AppendNewBlock("permission", []string{p.Resource}).Body()
		if len(p.Delegated) > 0 {
			pb.SetAttributeValue("delegated", stringList(p.Delegated))
		}
		if len(p.Application) > 0 {
			pb.SetAttributeValue("application", stringList(p.Application))
		}
	}
	if a.AdminConsent {
		body.SetAttributeValue("admin_consent", cty.True)
	}
	writeExtras(body, a.Extras)
	for _, s := range a.Secrets {
		body.AppendNewline()
		comment(body, "  ", s.Comment)
		body.AppendNewBlock("secret", []string{s.Label})
	}
	for _, c := range a.Certificates {
		body.AppendNewline()
		comment(body, "  ", c.Comment)
		body.AppendNewBlock("certificate", []string{c.Label}).Body().SetAttributeValue("private_key_file", cty.StringVal(c.KeyFile))
	}
	for _, fc := range a.Federated {
		body.AppendNewline()
		fb := body.AppendNewBlock("federated_credential", []string{fc.Name}).Body()
		fb.SetAttributeValue("issuer", cty.StringVal(fc.Issuer))
		fb.SetAttributeValue("subject", cty.StringVal(fc.Subject))
		if !sameStrings(fc.Audiences, config.DefaultFederatedAudiences) {
			fb.SetAttributeValue("audiences", stringList(sortedCopy(fc.Audiences)))
		}
		if fc.Description != nil && *fc.Description != "" {
			fb.SetAttributeValue("description", cty.StringVal(*fc.Description))
		}
	}
	return emptyBlocks.ReplaceAll(hclwrite.Format(f.Bytes()), []byte("{}"))
}

// emptyBlocks matches the body of an empty block as hclwrite writes it,
// "{", newline, "}"; secret "web" {} reads better and fmt keeps it. No
// quoted string hclwrite writes can hold a newline, so only blocks match.
var emptyBlocks = regexp.MustCompile(`\{\n[ \t]*\}`)

// writeSites renders the sites file.
func writeSites(sites []*siteBlock, header []string) []byte {
	f := hclwrite.NewEmptyFile()
	root := f.Body()
	comment(root, "", header...)
	for i, s := range sites {
		if i > 0 {
			root.AppendNewline()
		}
		for _, r := range s.Remarks {
			comment(root, "", "Note: "+r)
		}
		body := root.AppendNewBlock("site", []string{s.Name}).Body()
		body.SetAttributeValue("url", cty.StringVal(s.URL))
		for _, g := range s.Grants {
			body.AppendNewline()
			gb := body.AppendNewBlock("grant", []string{g.Name}).Body()
			gb.SetAttributeTraversal("application", hcl.Traversal{
				hcl.TraverseRoot{Name: "application"},
				hcl.TraverseAttr{Name: g.Application},
			})
			gb.SetAttributeValue("roles", stringList(g.Roles))
		}
	}
	return hclwrite.Format(f.Bytes())
}

// writeTenant renders the tenant block of a cloud other than public.
func writeTenant(cloud string) []byte {
	f := hclwrite.NewEmptyFile()
	f.Body().AppendNewBlock("tenant", nil).Body().SetAttributeValue("cloud", cty.StringVal(strings.ToLower(cloud)))
	return hclwrite.Format(f.Bytes())
}

// comment appends # lines, each paragraph wrapped at commentWidth.
func comment(body *hclwrite.Body, indent string, paragraphs ...string) {
	var toks hclwrite.Tokens
	for _, p := range paragraphs {
		for _, line := range wrap(p, commentWidth-len(indent)-2) {
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+line, " ") + "\n")})
		}
	}
	body.AppendUnstructuredTokens(toks)
}

// wrap breaks text into lines of at most width characters at spaces (a
// longer word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	var line strings.Builder
	for _, w := range strings.Fields(text) {
		if line.Len() > 0 && line.Len()+1+len(w) > width {
			lines = append(lines, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w)
	}
	if line.Len() > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

func stringList(s []string) cty.Value {
	if len(s) == 0 {
		return cty.ListValEmpty(cty.String)
	}
	vals := make([]cty.Value, len(s))
	for i, v := range s {
		vals[i] = cty.StringVal(v)
	}
	return cty.ListVal(vals)
}

func sameStrings(a, b []string) bool {
	return strings.Join(sortedCopy(a), "\x00") == strings.Join(sortedCopy(b), "\x00")
}

package localtenant

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSharePointSiteAndContextInfo(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	na := op.createApp("sp site reader", sharePointAppID, "Sites.Read.All")
	app := op.as(certSharePointToken(t, op, na))

	site := app.must(http.StatusOK, "GET", spoBase+"/sites/hr/_api/site", nil, "Accept: application/json;odata=nometadata")
	got := map[string]any{"Url": site.body["Url"], "ServerRelativeUrl": site.body["ServerRelativeUrl"], "ReadOnly": site.body["ReadOnly"]}
	if diff := cmp.Diff(map[string]any{"Url": spoBase + "/sites/hr", "ServerRelativeUrl": "/sites/hr", "ReadOnly": false}, got); diff != "" {
		t.Errorf("/sites/hr/_api/site (-want +got):\n%s", diff)
	}
	// The site collection id is the middle part of Graph's site id.
	graphSite := op.must(http.StatusOK, "GET", "/sites/contoso.sharepoint.com:/sites/hr", nil)
	if parts := strings.Split(graphSite.str("id"), ","); len(parts) != 3 || parts[1] != site.body["Id"] {
		t.Errorf("SP.Site Id %v is not the collection of Graph's site id %s", site.body["Id"], graphSite.str("id"))
	}

	ctx := app.must(http.StatusOK, "POST", spoBase+"/sites/hr/_api/contextinfo", nil, "Accept: application/json;odata=nometadata")
	if !regexp.MustCompile(`^0x[0-9A-F]{128},\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d -0000$`).MatchString(ctx.str("FormDigestValue")) {
		t.Errorf("FormDigestValue %q", ctx.str("FormDigestValue"))
	}
	gotCtx := map[string]any{"FormDigestTimeoutSeconds": ctx.body["FormDigestTimeoutSeconds"], "WebFullUrl": ctx.body["WebFullUrl"], "SiteFullUrl": ctx.body["SiteFullUrl"]}
	if diff := cmp.Diff(map[string]any{"FormDigestTimeoutSeconds": float64(1800), "WebFullUrl": spoBase + "/sites/hr", "SiteFullUrl": spoBase + "/sites/hr"}, gotCtx); diff != "" {
		t.Errorf("contextinfo (-want +got):\n%s", diff)
	}
	verbose := app.must(http.StatusOK, "POST", spoBase+"/_api/contextinfo", nil, "Accept: application/json;odata=verbose")
	d, _ := verbose.body["d"].(map[string]any)
	info, _ := d["GetContextWebInformation"].(map[string]any)
	if info["WebFullUrl"] != spoBase || info["FormDigestValue"] == nil {
		t.Errorf("verbose contextinfo = %s", verbose.raw)
	}

	// The checks of /_api/web hold: a secret's token, a missing site.
	secretTok := op.as(secretToken(t, s, na.appID, na.secret, spoBase+"/.default"))
	if r := secretTok.do("POST", spoBase+"/_api/contextinfo", nil); r.status != http.StatusUnauthorized {
		t.Errorf("contextinfo with a secret's token: HTTP %d", r.status)
	}
	if r := app.do("GET", spoBase+"/sites/nowhere/_api/site", nil, "Accept: application/json;odata=nometadata"); r.status != http.StatusNotFound {
		t.Errorf("a missing site: HTTP %d", r.status)
	}
}

package plan

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/providers/entra"
)

// TestAdoptedEmptyListsAreAlikeBeforeAndAfter checks that a list
// attribute empty on both sides of an adopted application's first plan
// is written the same way before and after: the text plan calls them
// equal, so `plan -json` must not show [] on one side and null on the
// other.
func TestAdoptedEmptyListsAreAlikeBeforeAndAfter(t *testing.T) {
	far := now.Add(200 * 24 * time.Hour)
	tests := []struct {
		name   string
		tenant func(*entra.Application)
	}{
		{"api, web and clients absent", func(a *entra.Application) {
			a.API, a.Web, a.PublicClient, a.SPA = nil, nil, nil, nil
		}},
		{"api with empty lists", func(a *entra.Application) {
			a.API = &entra.APIApplication{KnownClientApplications: []string{}, OAuth2PermissionScopes: []entra.PermissionScope{}, PreAuthorizedApplications: []entra.PreAuthorizedApplication{}}
		}},
		{"everything as Graph returns it", func(a *entra.Application) {
			a.API = &entra.APIApplication{}
			a.PublicClient = &entra.RedirectURIs{RedirectURIs: []string{}}
			a.SPA = &entra.RedirectURIs{RedirectURIs: []string{}}
			a.OptionalClaims = &entra.OptionalClaims{}
			a.IdentifierURIs, a.AppRoles = []string{}, []entra.AppRole{}
		}},
	}
	cfg := load(t, map[string]string{"main.entra.hcl": adoptedLister})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := handMade(far, far)
			tt.tenant(snap.Applications[0])
			p := build(t, cfg, snap, Options{})
			c := p.Change("application.lister")
			var got []string
			for _, a := range Schema(TypeApplication) {
				before, after := c.Before.GetAttr(a.Name), c.After.GetAttr(a.Name)
				if a.Type.IsListType() && Equal(before, after) && !before.RawEquals(after) {
					got = append(got, a.Name+": "+before.GoString()+" -> "+after.GoString())
				}
			}
			if diff := cmp.Diff([]string(nil), got); diff != "" {
				t.Errorf("empty lists written differently before and after (-want +got):\n%s", diff)
			}
		})
	}
}

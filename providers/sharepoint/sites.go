package sharepoint

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/entraform/entraform/providers/graph"
)

// SiteLookupPath is the Graph path that reads the site at a URL:
// /sites/{host}:/{server-relative path} ("https://contoso.sharepoint.com/sites/hr"
// -> "/sites/contoso.sharepoint.com:/sites/hr"), and /sites/{host} for the
// root site of a host.
func SiteLookupPath(siteURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(siteURL))
	if err != nil {
		return "", fmt.Errorf("site URL %q: %w", siteURL, err)
	}
	if u.Scheme != "https" || u.Hostname() == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("site URL %q: want https://{tenant}.sharepoint.com/{path}", siteURL)
	}
	host := strings.ToLower(u.Hostname())
	path := strings.TrimRight(u.EscapedPath(), "/")
	if path == "" {
		return "/sites/" + host, nil
	}
	return "/sites/" + host + ":" + path, nil
}

// Sites reads the sites at urls and their permissions, in $batch groups:
// one lookup per URL, one permission list per site, then a GET by id for
// every permission the list gave without roles (the list may omit them;
// GET by id is authoritative).
//
// sites is keyed by the URL as given; a site that does not exist is absent
// (not an error). perms is keyed by site id.
func (p *Provider) Sites(ctx context.Context, urls []string) (sites map[string]*Site, perms map[string][]Permission, err error) {
	sites = map[string]*Site{}
	perms = map[string][]Permission{}

	var reqs []graph.BatchRequest
	var asked []string
	seen := map[string]bool{}
	for _, raw := range urls {
		if seen[raw] {
			continue
		}
		seen[raw] = true
		path, err := SiteLookupPath(raw)
		if err != nil {
			return nil, nil, err
		}
		asked = append(asked, raw)
		reqs = append(reqs, graph.BatchRequest{URL: path})
	}
	resps, err := p.batch(ctx, reqs)
	if err != nil {
		return nil, nil, fmt.Errorf("reading sites: %w", err)
	}
	var siteIDs []string
	for i, resp := range resps {
		if graph.IsNotFound(resp.Err) {
			continue
		}
		var s Site
		if err := resp.Decode(&s); err != nil {
			return nil, nil, fmt.Errorf("reading site %s: %w", asked[i], err)
		}
		sites[asked[i]] = &s
		if !slices.Contains(siteIDs, s.ID) {
			siteIDs = append(siteIDs, s.ID)
		}
	}

	reqs = reqs[:0]
	for _, id := range siteIDs {
		reqs = append(reqs, graph.BatchRequest{URL: permissionsPath(id)})
	}
	resps, err = p.batch(ctx, reqs)
	if err != nil {
		return nil, nil, fmt.Errorf("reading site permissions: %w", err)
	}
	type ref struct{ site, id string }
	var incomplete []ref
	for i, resp := range resps {
		siteID := siteIDs[i]
		list, err := p.collection(ctx, resp)
		if err != nil {
			return nil, nil, fmt.Errorf("listing the permissions of site %s: %w", siteID, err)
		}
		perms[siteID] = list
		for _, perm := range list {
			if len(perm.Roles) == 0 {
				incomplete = append(incomplete, ref{siteID, perm.ID})
			}
		}
	}

	reqs = reqs[:0]
	for _, r := range incomplete {
		reqs = append(reqs, graph.BatchRequest{URL: permissionPath(r.site, r.id)})
	}
	resps, err = p.batch(ctx, reqs)
	if err != nil {
		return nil, nil, fmt.Errorf("reading site permissions: %w", err)
	}
	for i, resp := range resps {
		r := incomplete[i]
		if graph.IsNotFound(resp.Err) {
			perms[r.site] = slices.DeleteFunc(perms[r.site], func(x Permission) bool { return x.ID == r.id })
			continue
		}
		var full Permission
		if err := resp.Decode(&full); err != nil {
			return nil, nil, fmt.Errorf("reading permission %s of site %s: %w", r.id, r.site, err)
		}
		for j := range perms[r.site] {
			if perms[r.site][j].ID == r.id {
				perms[r.site][j] = full
			}
		}
	}
	for id, list := range perms {
		for j := range list {
			if list[j].Roles == nil {
				list[j].Roles = []string{}
			}
		}
		perms[id] = list
	}
	return sites, perms, nil
}

func (p *Provider) batch(ctx context.Context, reqs []graph.BatchRequest) ([]graph.BatchResponse, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	return p.c.Batch(ctx, reqs)
}

// collection decodes a permission list a batch item answered, following
// @odata.nextLink.
func (p *Provider) collection(ctx context.Context, resp graph.BatchResponse) ([]Permission, error) {
	var pg struct {
		Value    []Permission `json:"value"`
		NextLink string       `json:"@odata.nextLink"`
	}
	if err := resp.Decode(&pg); err != nil {
		return nil, err
	}
	out := pg.Value
	if pg.NextLink != "" {
		err := p.c.List(ctx, pg.NextLink, func(raw json.RawMessage) error {
			var perm Permission
			if err := json.Unmarshal(raw, &perm); err != nil {
				return err
			}
			out = append(out, perm)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []Permission{}
	}
	return out, nil
}

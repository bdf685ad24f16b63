package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrStop, returned by a List callback, ends the listing without an error.
var ErrStop = errors.New("stop listing")

// page is one page of a Graph collection.
type page struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
}

// List reads a collection page by page, calling each for every item, and
// follows @odata.nextLink (an absolute URL) until the last page. Request
// options apply to every page.
func (c *Client) List(ctx context.Context, pathOrURL string, each func(json.RawMessage) error, opts ...RequestOption) error {
	next := pathOrURL
	seen := map[string]bool{}
	for pages := 1; next != ""; pages++ {
		if pages > c.cfg.maxPages {
			return fmt.Errorf("listing %s: more than %d pages; the service keeps sending next links", pathOrURL, c.cfg.maxPages)
		}
		if seen[next] {
			return fmt.Errorf("listing %s: page %d links back to an earlier page", pathOrURL, pages)
		}
		seen[next] = true
		var p page
		if err := c.Get(ctx, next, &p, opts...); err != nil {
			return err
		}
		for _, item := range p.Value {
			if err := each(item); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
		next = p.NextLink
	}
	return nil
}

// ListAll reads a whole collection into a slice of T.
func ListAll[T any](ctx context.Context, c *Client, pathOrURL string, opts ...RequestOption) ([]T, error) {
	var out []T
	err := c.List(ctx, pathOrURL, func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("listing %s: decoding item %d: %w", pathOrURL, len(out)+1, err)
		}
		out = append(out, v)
		return nil
	}, opts...)
	return out, err
}

package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/entraform/entraform/providers/graph"
)

// lookup is one GET of a $batch and what to do with its answer.
type lookup struct {
	url string
	// handle receives the answer (failed ones too: resp.Err). Handlers run
	// one after another, after the whole batch answered.
	handle func(resp graph.BatchResponse) error
}

// batchGet sends the lookups through $batch (groups of 20, several in
// flight) and hands each answer to its handler.
func (p *Provider) batchGet(ctx context.Context, items []lookup) error {
	if len(items) == 0 {
		return nil
	}
	reqs := make([]graph.BatchRequest, len(items))
	for i, it := range items {
		reqs[i] = graph.BatchRequest{Method: "GET", URL: it.url}
	}
	resps, err := p.c.Batch(ctx, reqs)
	if err != nil {
		return err
	}
	for i, r := range resps {
		if err := items[i].handle(r); err != nil {
			return err
		}
	}
	return nil
}

// collectionPage is one page of a collection as a batch item answers it.
type collectionPage struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
}

// eachInCollection calls each for every item of the collection a batch
// item answered, following @odata.nextLink for the pages after the first.
func (p *Provider) eachInCollection(ctx context.Context, url string, resp graph.BatchResponse, each func(json.RawMessage) error) error {
	var pg collectionPage
	if err := resp.Decode(&pg); err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	for _, v := range pg.Value {
		if err := each(v); err != nil {
			return err
		}
	}
	if pg.NextLink == "" {
		return nil
	}
	if err := p.c.List(ctx, pg.NextLink, each); err != nil {
		return fmt.Errorf("reading %s: %w", url, err)
	}
	return nil
}

// parallel runs fns at once and returns the first error.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// decodeInto returns an each function that decodes items into *out.
func decodeInto[T any](what string, out *[]T) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("decoding %s: %w", what, err)
		}
		*out = append(*out, v)
		return nil
	}
}

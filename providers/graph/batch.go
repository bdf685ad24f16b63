package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxBatchSize is the most requests Graph takes in one $batch.
const MaxBatchSize = 20

// BatchRequest is one request of a $batch.
type BatchRequest struct {
	// ID names the request within the batch; default: its index in the
	// slice given to Batch. IDs must be unique.
	ID     string
	Method string // default GET
	// URL is relative to the version root: "/applications/{id}".
	URL     string
	Headers map[string]string
	// Body is encoded as JSON (a json.RawMessage is sent as is).
	Body any
	// DependsOn names requests that must succeed first. Batch keeps a
	// request and its dependencies in the same group of 20.
	DependsOn []string
	// RetryReplication retries this item's replication-delay errors for at
	// most this long (see the package documentation).
	RetryReplication time.Duration
}

// BatchResponse is the answer to one BatchRequest.
type BatchResponse struct {
	ID      string
	Status  int
	Headers map[string]string
	Body    json.RawMessage
	// Err is a *Error when Status >= 400.
	Err error
}

// Decode decodes the body into out; it returns Err for a failed item.
func (r BatchResponse) Decode(out any) error {
	if r.Err != nil {
		return r.Err
	}
	if len(r.Body) == 0 {
		return nil
	}
	return json.Unmarshal(r.Body, out)
}

type wireBatchRequest struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	Body      json.RawMessage   `json:"body,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
}

type wireBatchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
}

// Batch sends reqs through POST /$batch in groups of at most 20 (several
// groups in flight at once) and returns the responses in the order of
// reqs, matched by id whatever order Graph answers in. Items answered 429,
// 500, 502 or 503 (and 504 unless they are POSTs) are sent again (after the
// longest Retry-After among them, or a backoff), as are items with replication errors when they ask for it, and
// the items that failed only because one of those did (424). The error is
// for the batch as a whole; each item's failure is in its BatchResponse.Err.
func (c *Client) Batch(ctx context.Context, reqs []BatchRequest) ([]BatchResponse, error) {
	items := make([]BatchRequest, len(reqs))
	index := map[string]int{}
	for i, r := range reqs {
		if r.ID == "" {
			r.ID = strconv.Itoa(i)
		}
		if r.Method == "" {
			r.Method = http.MethodGet
		}
		if _, dup := index[r.ID]; dup {
			return nil, fmt.Errorf("batch: duplicate request id %q", r.ID)
		}
		index[r.ID] = i
		items[i] = r
	}
	for _, r := range items {
		for _, d := range r.DependsOn {
			if _, ok := index[d]; !ok {
				return nil, fmt.Errorf("batch: request %q depends on unknown request %q", r.ID, d)
			}
		}
	}
	groups, err := groupBatch(items, index)
	if err != nil {
		return nil, err
	}

	results := make([]BatchResponse, len(items))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, c.cfg.batchConcurrency)
	)
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func(g []int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := c.runGroup(ctx, items, index, g, results); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return results, nil
}

// groupBatch packs requests into groups of at most MaxBatchSize, in order,
// keeping every request in the group of the requests it depends on.
func groupBatch(items []BatchRequest, index map[string]int) ([][]int, error) {
	// Union-find over dependsOn edges: each component must share a group.
	parent := make([]int, len(items))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i, r := range items {
		for _, d := range r.DependsOn {
			a, b := find(i), find(index[d])
			if a != b {
				parent[a] = b
			}
		}
	}
	components := map[int][]int{}
	var order []int
	for i := range items {
		root := find(i)
		if _, ok := components[root]; !ok {
			order = append(order, root)
		}
		components[root] = append(components[root], i)
	}
	var groups [][]int
	var cur []int
	for _, root := range order {
		comp := components[root]
		if len(comp) > MaxBatchSize {
			return nil, fmt.Errorf("batch: %d requests depend on each other (request %q and the ones it is chained with); at most %d can share a batch",
				len(comp), items[comp[0]].ID, MaxBatchSize)
		}
		if len(cur)+len(comp) > MaxBatchSize {
			groups = append(groups, cur)
			cur = nil
		}
		cur = append(cur, comp...)
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	for _, g := range groups {
		slices.Sort(g)
	}
	return groups, nil
}

// runGroup sends one group and re-sends its retryable items until they
// succeed, fail for good, or the retry bounds are reached.
func (c *Client) runGroup(ctx context.Context, items []BatchRequest, index map[string]int, group []int, results []BatchResponse) error {
	start := c.cfg.now()
	pending := group
	retries := 0
	replications := map[int]int{}
	for {
		if err := c.sendGroup(ctx, items, pending, results); err != nil {
			return err
		}
		elapsed := c.cfg.now().Sub(start)
		retry := map[int]bool{}
		transientWait := time.Duration(-1)
		replicationWait := time.Duration(0)
		anyTransient := false
		for _, i := range pending {
			r := results[i]
			switch {
			case retryableItemStatus(items[i].Method, r.Status):
				if retries >= c.cfg.maxRetries {
					continue
				}
				anyTransient = true
				retry[i] = true
				if ra := parseRetryAfter(headerValue(r.Headers, "Retry-After"), c.cfg.now()); ra > transientWait {
					transientWait = ra
				}
			case items[i].RetryReplication > 0 && IsReplicationError(r.Err):
				w := c.cfg.replicationBackoff(replications[i] + 1)
				if elapsed+w > items[i].RetryReplication {
					continue
				}
				replications[i]++
				retry[i] = true
				replicationWait = max(replicationWait, w)
			}
		}
		// Items that failed only because a retried item failed go again too.
		for changed := true; changed; {
			changed = false
			for _, i := range pending {
				if retry[i] || results[i].Status != http.StatusFailedDependency {
					continue
				}
				for _, d := range items[i].DependsOn {
					if retry[index[d]] {
						retry[i] = true
						changed = true
						break
					}
				}
			}
		}
		if len(retry) == 0 {
			return nil
		}
		wait := replicationWait
		if anyTransient {
			retries++
			tw := transientWait
			if tw < 0 {
				tw = c.cfg.backoff(retries)
			}
			if elapsed+tw > c.cfg.maxRetryTime {
				return nil
			}
			wait = max(wait, tw)
		}
		if err := c.cfg.sleep(ctx, wait); err != nil {
			return err
		}
		var next []int
		for _, i := range pending {
			if retry[i] {
				next = append(next, i)
			}
		}
		pending = next
	}
}

// retryableItemStatus reports whether an item answered with status may be
// sent again: the same rule as for a request of its own (429, 500, 502 and
// 503 for any method; 504 only where repeating the request is harmless).
func retryableItemStatus(method string, status int) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
		return true
	case http.StatusGatewayTimeout:
		return isIdempotentMethod(method)
	}
	return false
}

// sendGroup sends one $batch of the items at idx and stores their answers.
func (c *Client) sendGroup(ctx context.Context, items []BatchRequest, idx []int, results []BatchResponse) error {
	inGroup := map[string]bool{}
	for _, i := range idx {
		inGroup[items[i].ID] = true
	}
	wire := struct {
		Requests []wireBatchRequest `json:"requests"`
	}{}
	readOnly := true
	for _, i := range idx {
		r := items[i]
		w := wireBatchRequest{ID: r.ID, Method: r.Method, URL: "/" + strings.TrimPrefix(r.URL, "/")}
		if len(r.Headers) > 0 {
			w.Headers = map[string]string{}
			for k, v := range r.Headers {
				w.Headers[k] = v
			}
		}
		if r.Body != nil {
			raw, ok := r.Body.(json.RawMessage)
			if !ok {
				var err error
				raw, err = json.Marshal(r.Body)
				if err != nil {
					return fmt.Errorf("batch: encoding the body of request %q: %w", r.ID, err)
				}
			}
			w.Body = raw
			if w.Headers == nil {
				w.Headers = map[string]string{}
			}
			if headerValue(w.Headers, "Content-Type") == "" {
				w.Headers["Content-Type"] = "application/json"
			}
		}
		for _, d := range r.DependsOn {
			if inGroup[d] {
				w.DependsOn = append(w.DependsOn, d)
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			readOnly = false
		}
		wire.Requests = append(wire.Requests, w)
	}
	var opts []RequestOption
	if readOnly {
		opts = append(opts, Idempotent())
	}
	var out struct {
		Responses []wireBatchResponse `json:"responses"`
	}
	if _, err := c.Do(ctx, http.MethodPost, "/$batch", wire, &out, opts...); err != nil {
		return fmt.Errorf("batch of %d requests: %w", len(idx), err)
	}
	byID := map[string]wireBatchResponse{}
	for _, r := range out.Responses {
		byID[r.ID] = r
	}
	for _, i := range idx {
		r := items[i]
		w, ok := byID[r.ID]
		if !ok {
			return fmt.Errorf("batch: no response for request %q (%s %s)", r.ID, r.Method, r.URL)
		}
		br := BatchResponse{ID: r.ID, Status: w.Status, Headers: w.Headers, Body: w.Body}
		c.observeBatchItem(w.Status, w.Headers)
		switch {
		case w.Status < 100 || w.Status > 599:
			br.Err = fmt.Errorf("batch: the response for request %q (%s %s) has no valid status (%d)", r.ID, r.Method, r.URL, w.Status)
		case w.Status >= 400:
			h := http.Header{}
			for k, v := range w.Headers {
				h.Set(k, v)
			}
			br.Err = newError(r.Method, c.base+"/"+strings.TrimPrefix(r.URL, "/"), w.Status, h, w.Body)
		}
		results[i] = br
	}
	return nil
}

// headerValue looks a header up case-insensitively in a batch item's map.
func headerValue(h map[string]string, key string) string {
	for k, v := range h {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

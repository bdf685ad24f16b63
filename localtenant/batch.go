package localtenant

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

func init() { addRoutes(batchRoutes) }

// batchRoutes is Graph's JSON batching endpoint.
func batchRoutes(s *Server) []Route {
	return []Route{
		{Host: HostGraph, Method: "POST", Pattern: "/v1.0/$batch", Handler: s.batch},
	}
}

// maxBatchRequests is Graph's limit of requests in one batch.
const maxBatchRequests = 20

// batchItem is one request of a batch.
type batchItem struct {
	ID        string            `json:"id"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
	Body      json.RawMessage   `json:"body"`
	DependsOn []string          `json:"dependsOn"`
}

// batchResponse is one answer of a batch.
type batchResponse struct {
	ID      string            `json:"id"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    json.RawMessage   `json:"body,omitempty"`
}

// batch runs up to 20 requests. Each goes through the same routing,
// token checks, permission checks and faults (throttle, error rate) as a
// request of its own; a request whose dependency failed gets 424. The
// batch answers 200 whatever its items answer. Responses come in reverse
// order of execution: Graph promises no order, and clients that assume
// one should learn it here.
func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	var payload struct {
		Requests []batchItem `json:"requests"`
	}
	if err != nil || len(b) > maxBody || json.Unmarshal(b, &payload) != nil {
		s.writeODataError(w, r, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.")
		return
	}
	if aerr := checkBatch(payload.Requests); aerr != nil {
		s.writeAPIError(w, r, aerr)
		return
	}
	order, aerr := batchOrder(payload.Requests)
	if aerr != nil {
		s.writeAPIError(w, r, aerr)
		return
	}
	status := map[string]int{}
	var out []batchResponse
	for _, it := range order {
		var resp batchResponse
		if dep := failedDependency(it, status); dep != "" {
			resp = s.batchError(r, it.ID, http.StatusFailedDependency, "FailedDependency",
				fmt.Sprintf("The request depends on request '%s', which failed.", dep))
		} else {
			resp = s.runBatchItem(r, it)
		}
		status[it.ID] = resp.Status
		out = append(out, resp)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	writeJSON(w, http.StatusOK, map[string]any{"responses": out})
}

// checkBatch validates the batch as a whole: 1 to 20 requests, unique
// ids, methods and urls present, a Content-Type for every body, known
// dependencies.
func checkBatch(items []batchItem) *apiError {
	if len(items) == 0 {
		return &apiError{http.StatusBadRequest, "BadRequest", "Invalid batch payload format: the batch has no requests."}
	}
	if len(items) > maxBatchRequests {
		return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf("Number of requests in the batch (%d) exceeds the limit of %d.", len(items), maxBatchRequests)}
	}
	ids := map[string]bool{}
	for _, it := range items {
		if it.ID == "" || ids[it.ID] {
			return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid batch payload format: request ids must be present and unique (id %q).", it.ID)}
		}
		ids[it.ID] = true
		if it.Method == "" || it.URL == "" {
			return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid batch payload format: request '%s' needs a method and a url.", it.ID)}
		}
		if len(it.Body) > 0 && !isNull(it.Body) && headerValue(it.Headers, "Content-Type") == "" {
			return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid batch payload format: request '%s' has a body but no Content-Type header.", it.ID)}
		}
	}
	for _, it := range items {
		for _, d := range it.DependsOn {
			if !ids[d] || d == it.ID {
				return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid batch payload format: request '%s' depends on unknown request '%s'.", it.ID, d)}
			}
		}
	}
	return nil
}

// batchOrder sorts the requests so each runs after what it depends on
// (otherwise in the order given); a cycle is a bad batch.
func batchOrder(items []batchItem) ([]batchItem, *apiError) {
	done := map[string]bool{}
	var order []batchItem
	for len(order) < len(items) {
		progress := false
		for _, it := range items {
			if done[it.ID] {
				continue
			}
			ready := true
			for _, d := range it.DependsOn {
				ready = ready && done[d]
			}
			if ready {
				done[it.ID] = true
				order = append(order, it)
				progress = true
			}
		}
		if !progress {
			return nil, &apiError{http.StatusBadRequest, "BadRequest", "Invalid batch payload format: the dependsOn references form a cycle."}
		}
	}
	return order, nil
}

// failedDependency names a dependency of it that failed, if any.
func failedDependency(it batchItem, status map[string]int) string {
	for _, d := range it.DependsOn {
		if status[d] >= 400 {
			return d
		}
	}
	return ""
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// batchError is an item answered with an OData error.
func (s *Server) batchError(r *http.Request, id string, status int, code, message string) batchResponse {
	body, _ := json.Marshal(odataError(r, s.clock.now(), code, message))
	return batchResponse{ID: id, Status: status, Headers: map[string]string{"Content-Type": "application/json"}, Body: body}
}

// runBatchItem runs one request as if it had come on its own, with the
// batch's bearer token.
func (s *Server) runBatchItem(outer *http.Request, it batchItem) batchResponse {
	itemPath := strings.SplitN(it.URL, "?", 2)[0]
	if p, err := url.PathUnescape(itemPath); err == nil {
		itemPath = p
	}
	if status, retryAfter, ok := s.itemFault(it.Method, itemPath); ok {
		body, _ := json.Marshal(s.faultBody(outer, status))
		h := map[string]string{"Content-Type": "application/json"}
		if retryAfter > 0 {
			h["Retry-After"] = strconv.Itoa(retryAfter)
		}
		return batchResponse{ID: it.ID, Status: status, Headers: h, Body: body}
	}
	rel := it.URL
	if strings.Contains(rel, "://") {
		return s.batchError(outer, it.ID, http.StatusBadRequest, "BadRequest", "Invalid request URL: batch request urls must be relative to the version root, e.g. \"/users\".")
	}
	if !strings.HasPrefix(rel, "/") {
		rel = "/" + rel
	}
	if p, _, _ := strings.Cut(strings.ToLower(rel), "?"); p == "/$batch" {
		return s.batchError(outer, it.ID, http.StatusBadRequest, "BadRequest", "Nested batch requests are not supported.")
	}
	var body io.Reader
	if len(it.Body) > 0 && !isNull(it.Body) {
		body = bytes.NewReader(it.Body)
	}
	req, err := http.NewRequestWithContext(outer.Context(), strings.ToUpper(it.Method), "https://"+outer.Host+"/"+apiVersion(outer)+rel, body)
	if err != nil {
		return s.batchError(outer, it.ID, http.StatusBadRequest, "BadRequest", "Invalid request URL: "+err.Error())
	}
	req.Host = outer.Host
	for k, v := range it.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", outer.Header.Get("Authorization"))
	rec := newRecorder()
	s.dispatch(rec, req, HostGraph)
	return rec.response(it.ID)
}

// recorder captures a handler's answer for a batch response.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (rc *recorder) Header() http.Header { return rc.header }

func (rc *recorder) WriteHeader(status int) {
	if rc.status == 0 {
		rc.status = status
	}
}

func (rc *recorder) Write(b []byte) (int, error) {
	if rc.status == 0 {
		rc.status = http.StatusOK
	}
	return rc.body.Write(b)
}

// response turns the captured answer into a batch response: JSON bodies
// as JSON, text as a JSON string, anything else base64, as Graph does.
func (rc *recorder) response(id string) batchResponse {
	status := rc.status
	if status == 0 {
		status = http.StatusOK
	}
	resp := batchResponse{ID: id, Status: status, Headers: map[string]string{}}
	for k, vs := range rc.header {
		if len(vs) > 0 {
			resp.Headers[k] = vs[0]
		}
	}
	if rc.body.Len() == 0 {
		return resp
	}
	ct := strings.ToLower(rc.header.Get("Content-Type"))
	switch {
	case strings.Contains(ct, "json"):
		resp.Body = json.RawMessage(bytes.Clone(rc.body.Bytes()))
	case strings.HasPrefix(ct, "text/"):
		resp.Body, _ = json.Marshal(rc.body.String())
	default:
		resp.Body, _ = json.Marshal(base64.StdEncoding.EncodeToString(rc.body.Bytes()))
	}
	return resp
}

package graph

import (
	"context"
	"testing"
	"time"
)

func TestIsReplication(t *testing.T) {
	tests := []struct {
		status        int
		code, message string
		want          bool
	}{
		{404, "Request_ResourceNotFound", "Resource '1' does not exist or one of its queried reference-property objects are not present.", true},
		{400, "Request_BadRequest", "The appId 'a' of the service principal does not reference a valid application object.", true},
		{400, "Request_BadRequest", "Invalid principalId 'p'.", true},
		{404, "Request_ResourceNotFound", "", true},
		{404, "NotFound", "The resourceId 'r' was not found.", true},
		{400, "Request_BadRequest", "clientId 'c' does not exist.", true},
		{400, "Request_BadRequest", "Permission being assigned already exists on the object", false},
		{400, "Request_BadRequest", "Property displayName is required.", false},
		{404, "itemNotFound", "The site was not found.", false},
		{403, "Authorization_RequestDenied", "Invalid principalId", false},
		{409, "Conflict", "Request_ResourceNotFound", false},
	}
	for _, tt := range tests {
		if got := isReplication(tt.status, tt.code, tt.message); got != tt.want {
			t.Errorf("isReplication(%d, %q, %q) = %v; want %v", tt.status, tt.code, tt.message, got, tt.want)
		}
	}
}

func TestReplicationRetry(t *testing.T) {
	notYet := step{status: 404, body: odataError("Request_ResourceNotFound", "Resource 'sp' does not exist")}
	badApp := step{status: 400, body: odataError("Request_BadRequest", "The appId 'a' of the service principal does not reference a valid application object.")}
	realBad := step{status: 400, body: odataError("Request_BadRequest", "Property appId is required.")}
	tests := []struct {
		name         string
		method       string
		steps        []step
		budget       time.Duration
		viaContext   bool
		wantAttempts int
		wantStatus   int
	}{
		{name: "new object appears", method: "GET", steps: []step{notYet, notYet, notYet, {status: 200}}, budget: time.Minute, wantAttempts: 4, wantStatus: 200},
		{name: "through the context", method: "GET", steps: []step{notYet, {status: 200}}, budget: time.Minute, viaContext: true, wantAttempts: 2, wantStatus: 200},
		{name: "service principal for a new app", method: "POST", steps: []step{badApp, {status: 201}}, budget: time.Minute, wantAttempts: 2, wantStatus: 201},
		{name: "a real bad request is not retried", method: "POST", steps: []step{realBad, {status: 201}}, budget: time.Minute, wantAttempts: 1, wantStatus: 400},
		// Waits: 0.5-1s, 1-2s, 2-4s, 4-8s... The fake jitter takes the full
		// range: 1+2+4 = 7s fits in 10s, the next 8s does not.
		{name: "bounded by the budget", method: "GET", steps: []step{notYet}, budget: 10 * time.Second, wantAttempts: 4, wantStatus: 404},
		{name: "off without opting in", method: "GET", steps: []step{notYet, {status: 200}}, wantAttempts: 1, wantStatus: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &scripted{steps: tt.steps}
			c, clock := testClient(t, srv)
			ctx := context.Background()
			var opts []RequestOption
			if tt.budget > 0 {
				if tt.viaContext {
					ctx = WithReplicationRetry(ctx, tt.budget)
				} else {
					opts = append(opts, RetryReplication(tt.budget))
				}
			}
			var body any
			if tt.method == "POST" {
				body = map[string]string{"appId": "a"}
			}
			resp, err := c.Do(ctx, tt.method, "/servicePrincipals", body, nil, opts...)
			status := StatusCode(err)
			if err == nil {
				status = resp.StatusCode
			}
			if status != tt.wantStatus {
				t.Errorf("status = %d (%v); want %d", status, err, tt.wantStatus)
			}
			if srv.attempts() != tt.wantAttempts {
				t.Errorf("attempts = %d; want %d (sleeps %v)", srv.attempts(), tt.wantAttempts, clock.Sleeps())
			}
			if tt.wantStatus >= 400 && tt.budget > 0 && tt.wantAttempts > 1 && !IsReplicationError(err) {
				t.Errorf("IsReplicationError(%v) = false", err)
			}
			var slept time.Duration
			for _, d := range clock.Sleeps() {
				slept += d
			}
			if tt.budget > 0 && slept > tt.budget {
				t.Errorf("slept %v; more than the budget %v", slept, tt.budget)
			}
		})
	}
}

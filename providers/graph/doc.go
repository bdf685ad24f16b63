// Package graph is entraform's HTTP client for Microsoft Graph v1.0 and
// SharePoint REST.
//
// A Client sends every request through a chain of http.RoundTrippers, outer
// to inner:
//
//	retry    -> client-request-id, throttling/5xx/reset retries, opt-in
//	            replication retries, one logical request at a time
//	auth     -> bearer token from an auth.TokenSource, scope from the host
//	log      -> one debug line per attempt (ENTRAFORM_LOG=debug), redacted
//	coalesce -> (Options.Coalesce) concurrent requests share a $batch
//	base     -> endpoint.Transport (dials the local tenant when asked)
//
// so each attempt gets a fresh (cached) token and its own log line.
//
// Wiring, as a command does it:
//
//	hc, err := endpoint.NewHTTPClient(env.Getenv)
//	tokens, who, err := auth.Operator(ctx, auth.OperatorOptions{Getenv: env.Getenv, Cloud: cloud, HTTPClient: hc, ...})
//	c, err := graph.New(graph.Options{Tokens: tokens, Cloud: cloud, HTTPClient: hc,
//		Log: graph.DebugLog(env.Getenv, env.Stderr)})
//
//	var app entra.Application
//	err = c.Get(ctx, "/applications(appId='"+appID+"')", &app, graph.RetryReplication(2*time.Minute))
//	apps, err := graph.ListAll[entra.Application](ctx, c, "/applications?$filter=tags/any(t:t eq 'entraform:managed')&$top=999")
//	resps, err := c.Batch(ctx, []graph.BatchRequest{{URL: "/applications/" + id + "/federatedIdentityCredentials"}, ...})
//
// # Tokens
//
// The scope comes from the request's host: the cloud's Graph host gets
// https://graph.microsoft.com/.default (per cloud), a SharePoint host
// https://<host>/.default. Any other host is sent no token, and Do refuses
// absolute URLs outside Graph and SharePoint, so a token never leaves them.
//
// # Retries
//
// Throttling and server errors are retried with exponential backoff and
// full jitter (a random wait in [0, min(MaxDelay, BaseDelay*2^n))), bounded
// by MaxRetries and MaxRetryTime. A Retry-After header (seconds or an HTTP
// date) on 429, 503 or 504 replaces the backoff: the client waits exactly
// that long, or gives up at once when that is past MaxRetryTime.
//
// Which failures are retried depends on whether repeating the request is
// safe:
//
//   - GET, HEAD, OPTIONS, PUT, DELETE and PATCH (Graph's PATCH sets
//     properties, so repeating it is harmless; the application upsert is a
//     PATCH too): 429, 500, 502, 503, 504, connection resets, unexpected
//     EOF and timeouts.
//   - POST (addPassword, appRoleAssignedTo, oauth2PermissionGrants, ...):
//     429, 500, 502 and 503, which Graph answers before or instead of doing
//     the work. Not 504, and not a reset or EOF after the request was sent:
//     there the write may have happened, and repeating it could create a
//     second secret or a duplicate assignment. The Idempotent request option
//     lifts this for POSTs that are safe to repeat ($batch of reads).
//   - Any method: a refused connection (nothing was sent).
//
// Bodies are replayed with Request.GetBody; a request whose body cannot be
// replayed is sent once.
//
// # Replication delay
//
// Entra ID replicates new objects for seconds to minutes; a read or a
// reference right after a create can fail. Only the caller knows that an
// object is new, so the retry is opt-in per request (RetryReplication(d))
// or per context (WithReplicationRetry). It retries, for at most d:
// 404 Request_ResourceNotFound, 400 "does not reference a valid application
// object", and 400/404 errors about an invalid or missing principalId,
// clientId, resourceId or appId. No other 4xx is ever retried.
//
// # Errors and logs
//
// A status >= 400 becomes a *Error decoded from the OData error body (or the
// SharePoint and plain-text shapes), with the request id; IsNotFound,
// IsConflict and IsForbidden test it. The debug log names the method, URL,
// status, duration, attempt and request ids, and bodies with secret fields
// (secretText, client_secret, client_assertion, key, password, tokens, ...)
// and anything shaped like a JWT redacted. Authorization headers are never
// written.
//
// # Coalescing
//
// With Options.Coalesce, Graph v1.0 requests that are issued at the same
// time (from different goroutines) with the same token go out together as
// one JSON $batch of up to 20, and each caller gets an ordinary
// *http.Response built from its item: status, headers (Retry-After
// included) and body. A throttled or failed item is therefore retried,
// decoded and logged like a request of its own; the debug line names the
// batch it went in (batch=<client-request-id of the $batch>). A queue's
// first request waits Options.CoalesceWindow (2 ms) for company; a request
// that finds none is sent as it is. When the $batch as a whole fails, each
// request gets that answer (a broken connection counts as one for every
// request in it, so a POST is not repeated).
//
// At most Options.MaxInFlight HTTP requests are open at once (a $batch
// counts once; WithMaxInFlight sets the bound for the requests made under
// one context, as an apply does with its -parallelism). While every slot
// is taken, requests queue up, so batches fill up exactly when the service
// is slow. $batch itself, SharePoint REST, other hosts, other API versions
// and bodies that are not JSON are never put in a batch, only counted
// against the bound.
//
// # Pacing by Graph's throttling limits
//
// With Options.Budget (DocumentedLimits: Microsoft Graph's published
// identity-and-access quotas, https://learn.microsoft.com/graph/throttling-limits),
// every request to the Graph host's directory paths reserves its
// documented cost (resource units by path, $select/$expand/$top
// adjustments; one write for POST, PATCH, PUT, DELETE) from token buckets
// that start full, and waits until they would hold it: an apply at the
// write quota spends its time waiting, not collecting 429s. The budget
// sits under the retry transport, so each attempt pays; a coalesced
// request pays as itself, a $batch sent by Batch for the sum of its
// items. Requests that had to wait leave on a one-second grain, so they
// share a $batch. The answers correct the buckets: a 429 (of a request or
// an item) pauses every request for its Retry-After and empties the
// bucket its x-ms-throttle-scope names; x-ms-resource-unit replaces the
// estimated cost; x-ms-throttle-limit-percentage (sent above 80% of a
// quota) lowers a bucket that thought itself fuller. Sites, drives and
// SharePoint REST are not paced. BudgetStats counts requests, writes,
// 429s, waits and writes in flight.
//
// # Bounds
//
// An answer body larger than 256 MiB, or a listing that is still sending
// next links after 100,000 pages, ends in an error instead of reading on;
// a $batch item without a valid status is an error of that item.
package graph

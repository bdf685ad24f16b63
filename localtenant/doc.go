// Package localtenant is a local Microsoft Entra ID tenant: a real HTTPS
// server that speaks the wire protocol of login.microsoftonline.com,
// graph.microsoft.com and *.sharepoint.com closely enough that MSAL Go and
// any standard OAuth or Graph client work against it unchanged. It is the
// target of entraform's end-to-end tests, of `entraform demo` and of the
// benchmarks, and a tool for users (`entraform tenant serve`).
//
// It imports nothing from the rest of entraform.
//
// # Dependencies
//
// github.com/go-jose/go-jose/v4 signs and verifies the JWTs (access, ID,
// refresh and GitHub OIDC tokens) and parses client assertions. It covers
// RS256 and PS256 (MSAL Go signs certificate assertions with PS256 and an
// x5t#S256 header), exposes the JOSE header for x5t/kid lookups, and has
// no transitive dependencies; the standard library has no JWS at all and
// golang-jwt lacks JWK handling.
//
// # Shape
//
// Start builds a Server: an ECDSA CA and server certificate for every
// emulated host name (tls.go), the typed Store (model.go, store.go)
// seeded with the Graph and SharePoint Online service principals, users,
// groups (seed_groups.go), sites and the operator app (seed.go),
// persisted to DataDir
// (persist.go). Requests are routed by their Host header (router.go)
// through the middleware (middleware.go): request log, latency (every
// request), then on Graph and SharePoint hosts only FailNext, throttle and
// error rate, then the route, with access token validation for Graph and
// SharePoint and, for Graph identity requests ($batch items one by one),
// the throttling limits of Options.GraphLimits (throttle.go: Microsoft
// Graph's published identity-and-access quotas and request costs,
// throttle_limits.go). The identity platform is identity_*.go (discovery, client
// authentication, scopes and consent, token grants, authorize and device
// code; who may sign in to the tenant's own APIs: identity_customapi.go),
// tokens are minted in issue.go and validated in tokens.go, the
// GitHub Actions OIDC emulation is github.go.
//
// Token signing keys are RSA (RS256). Without a DataDir they are made
// once per process and shared by its servers (RSA generation is slow and
// tests start many tenants); each server still has its own CA, TLS
// certificate and tenant id. With a DataDir each tenant makes and keeps
// its own.
//
// # Adding a Graph or SharePoint route
//
// Put the routes of one area in its own file (graph_applications.go,
// sharepoint_web.go, ...) and register a route table from init:
//
//	func init() { addRoutes(graphCredentialRoutes) }
//
//	func graphCredentialRoutes(s *Server) []Route {
//		return []Route{
//			{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications/{id}/addPassword", Handler: s.graph(s.addPassword)},
//			{Host: HostGraph, Method: "POST", Pattern: "/v1.0/applications({key})/addPassword", Handler: s.graph(s.addPassword)},
//			{Host: HostGraph, Method: "GET", Pattern: "/v1.0/sites/{rest...}", Handler: s.graph(s.siteRoute)},
//		}
//	}
//
// s.graph adapts a handler that returns its refusal (an *apiError from
// notFound, conflict, badRequest, denied, ...) and answers it once.
//
// A Graph collection with the usual list, create, $count, get, update
// and delete routes is s.collectionRoutes(base, collection{...},
// "/{id}", "({key})"): a nil handler gets no route.
//
// Patterns (see Route): literal segments match case-insensitively;
// "{name}" is one segment; a literal with one "{name}" inside
// ("applications(uniqueName='{name}')") matches that segment shape;
// "{name...}" is the rest of the path. The handler reads values with
// r.PathValue("id") (already URL-decoded). The most specific pattern
// wins, so "/v1.0/applications/delta" beats "/v1.0/applications/{id}".
// Requests no route takes get 501 NotImplemented naming the route, so a
// missing route is loud. Host is HostGraph (every cloud's Graph host) or
// HostSharePoint (any *.sharepoint.com/.us/.cn; the handler checks
// hostOnly(r.Host) against s.SharePointHost()).
//
// # The caller
//
// Graph and SharePoint routes need a valid bearer token unless the Route
// sets Public. The middleware validates it (ValidateAccessToken:
// signature, exp/nbf on the tenant clock, issuer, audience = the request's
// host) and answers 401 itself (Graph: InvalidAuthenticationToken;
// SharePoint: {"error_description":"Invalid issuer or signature."}). In
// the handler:
//
//	c := callerOf(r)      // *Caller
//	c.AppID               // appid: the client application
//	c.ServicePrincipalID  // the client's service principal id
//	c.AppOnly             // idtyp "app": Roles hold app role values
//	c.Roles, c.Scopes     // roles / scp
//	c.UserID, c.UPN       // delegated: the signed-in user
//	c.AppIDACR            // ACRPublic "0", ACRSecret "1", ACRCertificate "2" (cert or federated)
//
// To require a permission and answer 403 with Graph's real code:
//
//	c, err := requirePerm(r, "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
//	if err != nil {
//		return err // 403 Authorization_RequestDenied "Insufficient privileges to complete the operation."
//	}
//
// Sites answer siteDenied() instead (403 accessDenied "Access denied").
// HasAny checks roles for app-only callers and scopes for delegated ones.
// SharePoint REST refusing app-only tokens from a client secret is
// `c.AppOnly && c.AppIDACR == ACRSecret` -> s.writeSharePointAuthError(w,
// r, "Unsupported app only token.").
//
// # The store
//
// Read under the read lock, write under the write lock; a successful
// write is persisted (DataDir) before the lock is released:
//
//	s.read(func(st *Store) { app, ok = st.appByID(id, false) })
//	err := s.write(func(st *Store) error {
//		if _, taken := st.appByUniqueName(name, true); taken { return conflict("...") }
//		st.addApplication(app) // fills id, appId, Created, createdDateTime
//		return nil
//	})
//
// Objects are the typed structs of model.go; their JSON tags are Graph's
// field names, and internal material (secret hashes, certificate DER,
// passwords, Meta) is `json:"-"`, so marshalling a stored object never
// leaks it. Applications and service principals are generic besides:
// bodies are checked against graphschema.json (schema_check.go), every
// documented member is kept in the object's Props, and the wire JSON is
// rendered from the description over Props and the typed fields
// (schema_render.go, entity_application.go, entity_serviceprincipal.go).
// A property needs no code unless it has behaviour; behaviour rules go in
// applicationRules / servicePrincipalRules (graph_rules.go has Graph's
// rules on exposed scopes, app roles and identifier URIs, and keeps a
// service principal publishing what its application exposes). Copy
// before returning data out of the lock if the handler keeps using it
// after.
//
// Replication delay: every lookup takes primary bool. primary=false is a
// read replica: it sees an object only when st.visible(obj) (seeded, or
// Faults.ReplicationDelay has passed since Meta.Created on the tenant
// clock). Use it for GET by id, lists, filters and for references (a
// service principal for a new app: 400 "The appId '...' of the service
// principal does not reference a valid application object."; a grant or
// assignment naming a new service principal: 400/404). primary=true sees
// everything: use it for uniqueness (uniqueName, one service principal per
// appId, one grant per client+resource+consentType, no duplicate role
// assignment) and for the object a write modifies. Tokens use the same
// rule: new apps (AADSTS700016), new secrets (AADSTS7000215; see
// st.credentialVisible), new grants and assignments are not in tokens
// until visible.
//
// # Errors
//
// Graph handlers are graphHandler funcs, wrapped with s.graph in the route
// table: they write their answer when they succeed and return an
// *apiError (badRequest, notFound, denied, conflict, ...) when they
// refuse, which s.graph answers in Graph's error shape. Elsewhere:
//
//	s.writeODataError(w, r, http.StatusBadRequest, CodeBadRequest, "...")
//	s.writeNotFound(w, r, id) // 404 Request_ResourceNotFound, Graph's message
//	writeJSON(w, http.StatusOK, v)
//
// $batch items draw their own faults with s.itemFault() (throttle and
// error rate) and answer them with s.faultBody(r, status) and a
// Retry-After header.
//
// # Tests
//
// A started server gives a client that reaches every emulated host:
// s.HTTPClient(). Tokens come from the real token endpoint (client
// credentials with s.Operator(); see operatorToken in faults_test.go), or,
// inside the package, from s.mintAccessToken(accessTokenRequest{...}).
// fixtures_test.go registers applications straight in the store
// (register, addCertificate, addFederated) and has testKey(t, i): RSA keys
// made once per test process, for test certificates (newLeafWithKey).
package localtenant

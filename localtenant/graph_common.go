package localtenant

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The Graph v1.0 routes (graph_*.go), OData query options (odata*.go),
// $batch (batch.go) and SharePoint REST (sharepoint_*.go).
//
// Conventions of these files:
//   - A handler checks the caller's permission first (403 with Graph's
//     code and message even for objects that do not exist), then reads
//     or writes the store. Reads use the replica view (replication delay
//     hides new objects and new references); writes look up the object
//     they change on the primary. graph_handler.go has the shared steps:
//     s.graph answers a returned refusal, appCallOf/spCallOf read the
//     caller and the key, readObject/writeObject look the object up.
//   - Wire JSON is rendered under the store lock (toMap) and written
//     after it is released.
//   - Bodies are checked member by member: unknown members get Graph's
//     "does not exist as a declared property" 400, read-only ones a 400
//     saying so. Applications and service principals are checked against
//     graphschema.json and accept every documented property
//     (schema_check.go); for the other types, real Graph members the
//     local tenant does not model get a 400 that starts with
//     "localtenant:", so a client relying on them finds out here rather
//     than in production. Query options it does not evaluate ($orderby,
//     $search) are refused the same way.
//   - Deliberate fidelity: site permission lists leave roles out (GET by
//     id has them), as reported of the real service; $batch answers in
//     reverse order of execution, since Graph promises no order.

// apiError is a Graph failure a handler decided on: the HTTP status, the
// OData error code and the message. Handlers build one and hand it to
// writeAPIError, so validation code can return it as a plain error.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func badRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, CodeBadRequest, fmt.Sprintf(format, args...)}
}

func notFound(id string) *apiError {
	return &apiError{http.StatusNotFound, CodeNotFound,
		fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)}
}

func conflict(format string, args ...any) *apiError {
	return &apiError{http.StatusConflict, CodeConflict, fmt.Sprintf(format, args...)}
}

func denied() *apiError {
	return &apiError{http.StatusForbidden, CodeAuthDenied, msgInsufficientPrivileges}
}

func siteDenied() *apiError {
	return &apiError{http.StatusForbidden, CodeAccessDenied, msgAccessDenied}
}

// CodeUnsupportedQuery is Graph's code for query options it cannot
// evaluate (bad $filter syntax, unsupported properties or operators).
const CodeUnsupportedQuery = "Request_UnsupportedQuery"

func unsupportedQuery(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, CodeUnsupportedQuery, fmt.Sprintf(format, args...)}
}

// writeAPIError answers with err: an *apiError as is, anything else as a
// 500 generalException naming it (a bug in the local tenant, loudly).
func (s *Server) writeAPIError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		s.writeODataError(w, r, ae.status, ae.code, ae.message)
		return
	}
	s.writeODataError(w, r, http.StatusInternalServerError, CodeGeneralException, "localtenant: "+err.Error())
}

// maxBody bounds request bodies; Graph's own limit is 4 MB.
const maxBody = 4 << 20

// readJSONBody decodes a JSON object body into its top-level members,
// keeping each value raw so handlers can tell "absent" from "null".
func readJSONBody(r *http.Request) (map[string]json.RawMessage, *apiError) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		return nil, &apiError{http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."}
	}
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(b)) == 0 || json.Unmarshal(b, &m) != nil || m == nil {
		return nil, &apiError{http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."}
	}
	return m, nil
}

// decodeMember decodes one member of a body into v, naming the property
// and the resource type in the error as Graph does.
func decodeMember(raw json.RawMessage, v any, prop, typ string) *apiError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("Invalid value specified for property '%s' of resource '%s'.", prop, typ)
	}
	return nil
}

// decodeObject decodes a whole body (already checked with
// checkProperties) into v, leaving out @odata annotations.
func decodeObject(body map[string]json.RawMessage, v any, typ string) *apiError {
	clean := make(map[string]json.RawMessage, len(body))
	for k, raw := range body {
		if !strings.HasPrefix(k, "@") {
			clean[k] = raw
		}
	}
	b, _ := json.Marshal(clean)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return badRequest("Invalid value specified for property '%s' of resource '%s'.", te.Field, typ)
		}
		return badRequest("Invalid value specified for resource '%s'.", typ)
	}
	return nil
}

// isNull reports whether a raw JSON value is null.
func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// checkProperties refuses members that are not declared properties of
// the type: unknown names get Graph's message, read-only ones say so, and
// real Graph properties the local tenant does not model say that (loud,
// so a client relying on them learns it here rather than in production).
func checkProperties(body map[string]json.RawMessage, writable, readOnly, notEmulated []string, typ string) *apiError {
	for name := range body {
		if strings.HasPrefix(name, "@odata.") {
			continue
		}
		switch {
		case containsExact(writable, name):
		case containsExact(readOnly, name):
			return badRequest("Property '%s' is read-only and cannot be set.", name)
		case containsFold(notEmulated, name):
			return badRequest("localtenant: property '%s' of %s is not emulated by the local tenant.", name, typ)
		default:
			return badRequest("Property '%s' does not exist as a declared property or extension property.", name)
		}
	}
	return nil
}

func containsExact(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// graphBase is the service root of the request's Graph host, for
// @odata.context and @odata.nextLink: "https://graph.microsoft.com/v1.0"
// (or /beta, for the /beta paths).
func graphBase(r *http.Request) string {
	return "https://" + r.Host + "/" + apiVersion(r)
}

// contextURL is an @odata.context value: base + "/$metadata#" + fragment.
func contextURL(r *http.Request, fragment string) string {
	return graphBase(r) + "/$metadata#" + fragment
}

// entityContext is the @odata.context of a single entity of a set.
func entityContext(r *http.Request, set string) string {
	return contextURL(r, set+"/$entity")
}

// toMap turns a stored object into its wire JSON as a map, so responses
// can add @odata members and $select can trim it.
func toMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("localtenant: encoding %T: %v", v, err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("localtenant: decoding %T: %v", v, err))
	}
	return m
}

// writeEntity answers with one entity (a stored object, or its toMap
// form taken under the store lock), with @odata.context and $select
// applied. A $expand is refused: handlers that expand use
// writeExpandedEntity.
func (s *Server) writeEntity(w http.ResponseWriter, r *http.Request, status int, set string, v any) {
	s.writeExpandedEntity(w, r, status, set, v, nil)
}

// writeExpandedEntity is writeEntity for an entity whose navigation
// properties in expandable may be inlined (the handler rendered them
// into v when asked).
func (s *Server) writeExpandedEntity(w http.ResponseWriter, r *http.Request, status int, set string, v any, expandable []string) {
	sel, expand, err := parseSelectOnly(r, expandable...)
	if err != nil {
		s.writeAPIError(w, r, err)
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		m = toMap(v)
	}
	fragment := set + "/$entity"
	if len(sel) > 0 {
		m = keepExpanded(project(m, sel), m, expand)
		fragment = set + "(" + strings.Join(sel, ",") + ")/$entity"
	}
	m["@odata.context"] = contextURL(r, fragment)
	writeJSON(w, status, m)
}

// noContent is the 204 of PATCH and DELETE.
func noContent(w http.ResponseWriter) {
	w.WriteHeader(http.StatusNoContent)
}

// hasPerm is require without the answer, for handlers that decide
// between several permission sets.
func hasPerm(c *Caller, perms ...string) bool {
	return c != nil && c.HasAny(perms...)
}

// decodeTyped decodes one member of a body that checkEntityBody already
// checked against the description into a typed field of the behaviour
// code: members the Go type does not model are ignored here (they live
// in the entity's property bag).
func decodeTyped(raw json.RawMessage, v any, prop, typ string) *apiError {
	if err := json.Unmarshal(raw, v); err != nil {
		return badRequest("Invalid value specified for property '%s' of resource '%s'.", prop, typ)
	}
	return nil
}

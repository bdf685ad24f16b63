package localtenant

import "net/http"

// graphHandler is a Graph route handler that writes its own answer when
// it succeeds and returns its failure instead of writing it, so every
// refusal (403, 404, 400) is a plain return.
type graphHandler func(w http.ResponseWriter, r *http.Request) error

// graph adapts h to a route handler: a failure h returns is answered
// with writeAPIError (an *apiError as is, anything else as a 500).
func (s *Server) graph(h graphHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeAPIError(w, r, err)
		}
	}
}

// view is read for a lookup that can fail: fn's error is returned as
// is, for the handler to return once the lock is released.
func (s *Server) view(fn func(st *Store) error) error {
	var err error
	s.read(func(st *Store) { err = fn(st) })
	return err
}

// requirePerm is require for graph handlers: the caller when it holds
// one of perms, else Graph's 403 Authorization_RequestDenied.
func requirePerm(r *http.Request, perms ...string) (*Caller, *apiError) {
	c := callerOf(r)
	if !hasPerm(c, perms...) {
		return c, denied()
	}
	return c, nil
}

// appCaller is the caller with its access to applications and service
// principals, for writing or for reading (which writing implies): 403
// when it has none.
func appCaller(r *http.Request, write bool) (*Caller, accessLevel, *apiError) {
	c := callerOf(r)
	level := appAccess(c, true)
	if !write {
		level = max(appAccess(c, false), level)
	}
	if level == accessNone {
		return c, level, denied()
	}
	return c, level, nil
}

// objectCall is what a handler on one application or service principal
// reads before it touches the store: the caller, its access level and
// the object's key in the URL.
type objectCall struct {
	c     *Caller
	level accessLevel
	key   appKey
}

// appCallOf reads the call on the application a route names: 403 when
// the caller has no access, then 400 for a malformed key.
func appCallOf(r *http.Request, write bool) (objectCall, *apiError) {
	return objectCallOf(r, write, appKeyOf)
}

// spCallOf is appCallOf for the service principal a route names.
func spCallOf(r *http.Request, write bool) (objectCall, *apiError) {
	return objectCallOf(r, write, spKeyOf)
}

func objectCallOf(r *http.Request, write bool, keyOf func(*http.Request) (appKey, *apiError)) (objectCall, *apiError) {
	c, level, aerr := appCaller(r, write)
	if aerr != nil {
		return objectCall{}, aerr
	}
	k, aerr := keyOf(r)
	if aerr != nil {
		return objectCall{}, aerr
	}
	return objectCall{c: c, level: level, key: k}, nil
}

// app finds the call's application in the view (the replica, or the
// primary for a write): 404 when it is not there, 403 when the caller
// may not touch it.
func (oc objectCall) app(st *Store, primary bool) (*Application, *apiError) {
	a, ok := st.findApp(oc.key, primary)
	if !ok {
		return nil, notFound(oc.key.value)
	}
	if !mayTouchApp(oc.c, oc.level, a) {
		return nil, denied()
	}
	return a, nil
}

// sp is app for the call's service principal.
func (oc objectCall) sp(st *Store, primary bool) (*ServicePrincipal, *apiError) {
	sp, ok := st.findSP(oc.key, primary)
	if !ok {
		return nil, notFound(oc.key.value)
	}
	if !mayTouchSP(st, oc.c, oc.level, sp) {
		return nil, denied()
	}
	return sp, nil
}

// finder looks the object of a call up in a view: call.app, call.sp.
type finder[T any] func(st *Store, primary bool) (T, *apiError)

// readObject runs fn on the object find looks up in the replica's view,
// under the read lock. A failed lookup (404, 403) is returned without
// calling fn.
func readObject[T any](s *Server, find finder[T], fn func(st *Store, obj T) error) error {
	return s.view(lookedUp(find, false, fn))
}

// writeObject is readObject for a change: the object is looked up on the
// primary, under the write lock, and the store is persisted when fn
// succeeds.
func writeObject[T any](s *Server, find finder[T], fn func(st *Store, obj T) error) error {
	return s.write(lookedUp(find, true, fn))
}

func lookedUp[T any](find finder[T], primary bool, fn func(st *Store, obj T) error) func(st *Store) error {
	return func(st *Store) error {
		obj, aerr := find(st, primary)
		if aerr != nil {
			return aerr
		}
		return fn(st, obj)
	}
}

// collection names the handlers of a Graph collection; a nil handler
// has no route.
type collection struct {
	list, create, count graphHandler // on the collection itself
	get, update, delete graphHandler // on one member
}

// collectionRoutes are the Graph routes of a collection at base: GET
// (list) and POST (create) on base, GET base/$count, and GET, PATCH
// and DELETE on a member named by each of members ("/{id}",
// "({key})"...).
func (s *Server) collectionRoutes(base string, c collection, members ...string) []Route {
	var routes []Route
	add := func(method, pattern string, h graphHandler) {
		if h != nil {
			routes = append(routes, Route{Host: HostGraph, Method: method, Pattern: pattern, Handler: s.graph(h)})
		}
	}
	add("GET", base, c.list)
	add("POST", base, c.create)
	add("GET", base+"/$count", c.count)
	for _, m := range members {
		add("GET", base+m, c.get)
		add("PATCH", base+m, c.update)
		add("DELETE", base+m, c.delete)
	}
	return routes
}

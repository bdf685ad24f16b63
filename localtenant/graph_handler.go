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

// requirePerm is require for graph handlers: the caller when it holds
// one of perms, else Graph's 403 Authorization_RequestDenied.
func requirePerm(r *http.Request, perms ...string) (*Caller, *apiError) {
	c := callerOf(r)
	if !hasPerm(c, perms...) {
		return c, denied()
	}
	return c, nil
}

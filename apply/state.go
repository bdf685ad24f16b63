package apply

import (
	"maps"
	"strings"
	"sync"

	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/providers/entra"
)

// state holds the applications and service principals as they are during
// the apply: read from the tenant at plan time, then replaced by what each
// create returns, so that children find their parents' ids.
type state struct {
	mu   sync.Mutex
	apps map[string]*entra.Application
	sps  map[string]*entra.ServicePrincipal
}

func newState(p *plan.Plan) *state {
	s := &state{apps: map[string]*entra.Application{}, sps: map[string]*entra.ServicePrincipal{}}
	for _, c := range p.Changes {
		switch cur := c.Current.(type) {
		case *entra.Application:
			if c.Action != plan.DeleteThenCreate {
				s.apps[c.Address] = cur
			}
		case *entra.ServicePrincipal:
			if c.Action != plan.DeleteThenCreate {
				s.sps[strings.TrimSuffix(c.Address, ".service_principal")] = cur
			}
		}
	}
	return s
}

func (s *state) app(addr string) *entra.Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apps[addr]
}

func (s *state) setApp(addr string, a *entra.Application) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a == nil {
		delete(s.apps, addr)
		return
	}
	s.apps[addr] = a
}

func (s *state) servicePrincipal(appAddr string) *entra.ServicePrincipal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sps[appAddr]
}

func (s *state) setServicePrincipal(appAddr string, sp *entra.ServicePrincipal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp == nil {
		delete(s.sps, appAddr)
		return
	}
	s.sps[appAddr] = sp
}

func (s *state) appIDs() map[string]AppIDs {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]AppIDs{}
	for addr, a := range s.apps {
		ids := AppIDs{AppID: a.AppID, ObjectID: a.ID}
		if sp := s.sps[addr]; sp != nil {
			ids.ServicePrincipalID = sp.ID
		}
		out[addr] = ids
	}
	return out
}

// appsSnapshot returns a copy of the applications by address.
func (s *state) appsSnapshot() map[string]*entra.Application {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.apps)
}

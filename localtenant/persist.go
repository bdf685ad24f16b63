package localtenant

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// snapshotVersion is the format version of store.json.
const snapshotVersion = 1

// snapshot is store.json: every object with its Meta and the internal
// fields that stay off the wire (secret hashes, certificates, passwords).
type snapshot struct {
	Version           int                                         `json:"version"`
	TenantID          string                                      `json:"tenantId"`
	Applications      []appRecord                                 `json:"applications"`
	ServicePrincipals []spRecord                                  `json:"servicePrincipals"`
	Grants            []record[*OAuth2PermissionGrant, Meta]      `json:"oauth2PermissionGrants"`
	Assignments       []record[*AppRoleAssignment, Meta]          `json:"appRoleAssignments"`
	Users             []record[*User, userInternal]               `json:"users"`
	Groups            []record[*Group, groupInternal]             `json:"groups,omitempty"`
	Sites             []record[*Site, siteInternal]               `json:"sites"`
	SitePermissions   []record[*SitePermission, sitePermInternal] `json:"sitePermissions"`
}

// record pairs an object's wire JSON with its internal fields.
type record[T any, I any] struct {
	Object   T `json:"object"`
	Internal I `json:"internal"`
}

type appRecord struct {
	Object    *Application                                 `json:"object"`
	Meta      Meta                                         `json:"meta"`
	Secrets   map[string]credInternal                      `json:"secrets,omitempty"`
	Certs     map[string]credInternal                      `json:"certificates,omitempty"`
	Federated []record[*FederatedIdentityCredential, Meta] `json:"federatedIdentityCredentials,omitempty"`
	Owners    []string                                     `json:"owners,omitempty"`
	Props     map[string]any                               `json:"props,omitempty"`
}

// spRecord is a service principal with its Meta and property bag.
type spRecord struct {
	Object   *ServicePrincipal `json:"object"`
	Internal Meta              `json:"internal"`
	Props    map[string]any    `json:"props,omitempty"`
	Owners   []string          `json:"owners,omitempty"`
}

type credInternal struct {
	Hash    string    `json:"hash,omitempty"`
	DER     []byte    `json:"der,omitempty"`
	Created time.Time `json:"created"`
}

type userInternal struct {
	Meta     Meta   `json:"meta"`
	Password string `json:"password"`
	MFA      bool   `json:"mfa"`
}

type groupInternal struct {
	Meta    Meta     `json:"meta"`
	Members []string `json:"members"`
}

type siteInternal struct {
	Meta     Meta   `json:"meta"`
	Path     string `json:"path"`
	Hostname string `json:"hostname"`
}

type sitePermInternal struct {
	Meta   Meta   `json:"meta"`
	SiteID string `json:"siteId"`
}

func (st *Store) snapshot(tenantID string) snapshot {
	snap := snapshot{Version: snapshotVersion, TenantID: tenantID}
	for _, a := range sorted(st.apps, func(*Application) bool { return true }) {
		rec := appRecord{Object: a, Meta: a.Meta, Secrets: map[string]credInternal{}, Certs: map[string]credInternal{}, Owners: a.Owners, Props: a.Props}
		for _, p := range a.PasswordCredentials {
			rec.Secrets[p.KeyID] = credInternal{Hash: p.SecretHash, Created: p.Created}
		}
		for _, k := range a.KeyCredentials {
			rec.Certs[k.KeyID] = credInternal{DER: k.CertDER, Created: k.Created}
		}
		for _, f := range a.FederatedIdentityCredentials {
			rec.Federated = append(rec.Federated, record[*FederatedIdentityCredential, Meta]{f, f.Meta})
		}
		snap.Applications = append(snap.Applications, rec)
	}
	for _, o := range sorted(st.sps, func(*ServicePrincipal) bool { return true }) {
		snap.ServicePrincipals = append(snap.ServicePrincipals, spRecord{o, o.Meta, o.Props, o.Owners})
	}
	for _, o := range st.permissionGrants(true) {
		snap.Grants = append(snap.Grants, record[*OAuth2PermissionGrant, Meta]{o, o.Meta})
	}
	for _, o := range st.roleAssignments(true, nil) {
		snap.Assignments = append(snap.Assignments, record[*AppRoleAssignment, Meta]{o, o.Meta})
	}
	for _, o := range st.userList(true) {
		snap.Users = append(snap.Users, record[*User, userInternal]{o, userInternal{o.Meta, o.Password, o.MFA}})
	}
	for _, o := range st.groupList(true) {
		snap.Groups = append(snap.Groups, record[*Group, groupInternal]{o, groupInternal{o.Meta, o.Members}})
	}
	for _, o := range st.siteList(true) {
		snap.Sites = append(snap.Sites, record[*Site, siteInternal]{o, siteInternal{o.Meta, o.Path, o.Hostname}})
	}
	for _, o := range list(st, st.sitePerms, true, nil) {
		snap.SitePermissions = append(snap.SitePermissions, record[*SitePermission, sitePermInternal]{o, sitePermInternal{o.Meta, o.SiteID}})
	}
	return snap
}

func (st *Store) restore(snap snapshot) {
	for _, rec := range snap.Applications {
		a := rec.Object
		a.Meta = rec.Meta
		a.Owners = rec.Owners
		a.Props = rec.Props
		for i := range a.PasswordCredentials {
			in := rec.Secrets[a.PasswordCredentials[i].KeyID]
			a.PasswordCredentials[i].SecretHash, a.PasswordCredentials[i].Created = in.Hash, in.Created
		}
		for i := range a.KeyCredentials {
			in := rec.Certs[a.KeyCredentials[i].KeyID]
			a.KeyCredentials[i].CertDER, a.KeyCredentials[i].Created = in.DER, in.Created
		}
		for _, f := range rec.Federated {
			f.Object.Meta = f.Internal
			a.FederatedIdentityCredentials = append(a.FederatedIdentityCredentials, f.Object)
		}
		st.apps[a.ID] = a
	}
	for _, r := range snap.ServicePrincipals {
		r.Object.Meta, r.Object.Props, r.Object.Owners = r.Internal, r.Props, r.Owners
		st.sps[r.Object.ID] = r.Object
	}
	for _, r := range snap.Grants {
		r.Object.Meta = r.Internal
		st.grants[r.Object.ID] = r.Object
	}
	for _, r := range snap.Assignments {
		r.Object.Meta = r.Internal
		st.assignments[r.Object.ID] = r.Object
	}
	for _, r := range snap.Users {
		r.Object.Meta, r.Object.Password, r.Object.MFA = r.Internal.Meta, r.Internal.Password, r.Internal.MFA
		st.users[r.Object.ID] = r.Object
	}
	for _, r := range snap.Groups {
		r.Object.Meta, r.Object.Members = r.Internal.Meta, r.Internal.Members
		st.groups[r.Object.ID] = r.Object
	}
	for _, r := range snap.Sites {
		r.Object.Meta, r.Object.Path, r.Object.Hostname = r.Internal.Meta, r.Internal.Path, r.Internal.Hostname
		st.sites[r.Object.ID] = r.Object
	}
	for _, r := range snap.SitePermissions {
		r.Object.Meta, r.Object.SiteID = r.Internal.Meta, r.Internal.SiteID
		st.sitePerms[r.Object.ID] = r.Object
	}
}

// setupStore loads store.json from the DataDir or seeds a new store, adds
// Options.Seed, and installs the persistence hook.
func (s *Server) setupStore() error {
	var path string
	loaded := false
	if s.opts.DataDir != "" {
		path = filepath.Join(s.opts.DataDir, "store.json")
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			var snap snapshot
			if err := json.Unmarshal(b, &snap); err != nil {
				return fmt.Errorf("local tenant: reading %s: %w", path, err)
			}
			if snap.Version != snapshotVersion || snap.TenantID != s.tenantID {
				return fmt.Errorf("local tenant: %s holds tenant %s (format %d), not %s; use another -data directory", path, snap.TenantID, snap.Version, s.tenantID)
			}
			s.store.restore(snap)
			loaded = true
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("local tenant: reading store: %w", err)
		}
	}
	if !loaded {
		if err := s.seedStore(s.store); err != nil {
			return fmt.Errorf("local tenant: seeding: %w", err)
		}
	}
	s.ensureFirstParty(s.store)
	if s.opts.Seed != nil {
		s.seedSites(s.store, s.opts.Seed.Sites)
		s.seedUsers(s.store, s.opts.Seed.Users)
		if err := s.seedGroups(s.store, s.opts.Seed.Groups); err != nil {
			return fmt.Errorf("local tenant: seeding: %w", err)
		}
	}
	if path == "" {
		return nil
	}
	s.persist = func(st *Store) error {
		b, err := json.MarshalIndent(st.snapshot(s.tenantID), "", " ")
		if err != nil {
			return fmt.Errorf("encoding store: %w", err)
		}
		return writeFileAtomic(path, b, 0o600)
	}
	return s.persist(s.store)
}

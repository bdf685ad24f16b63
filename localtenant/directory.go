package localtenant

import (
	"strings"
	"time"
)

// Groups and the principals app role assignments can name: service
// principals (applications), users and groups. Users are in model.go.

// Group is a security group. Members are the object ids of its direct
// members (users); Entra evaluates group assignments on direct
// membership only, so there is no nesting here.
type Group struct {
	Meta `json:"-"`

	ID              string    `json:"id"`
	DisplayName     string    `json:"displayName"`
	Description     *string   `json:"description"`
	MailNickname    string    `json:"mailNickname"`
	Mail            *string   `json:"mail"`
	MailEnabled     bool      `json:"mailEnabled"`
	SecurityEnabled bool      `json:"securityEnabled"`
	GroupTypes      []string  `json:"groupTypes"`
	Visibility      *string   `json:"visibility"`
	CreatedDateTime time.Time `json:"createdDateTime"`

	Members []string `json:"-"`
}

func (st *Store) groupList(primary bool) []*Group {
	return list(st, st.groups, primary, nil)
}

func (st *Store) groupByID(id string, primary bool) (*Group, bool) {
	return get(st, st.groups, strings.ToLower(id), primary)
}

func (st *Store) groupByName(name string, primary bool) (*Group, bool) {
	return first(st, st.groups, primary, func(g *Group) bool { return strings.EqualFold(g.DisplayName, name) })
}

func (st *Store) addGroup(g *Group) {
	if g.ID == "" {
		g.ID = newID()
	}
	st.stamp(g)
	if g.CreatedDateTime.IsZero() {
		g.CreatedDateTime = g.Created.Truncate(time.Second)
	}
	st.groups[g.ID] = g
}

// groupsOf lists the groups u is a direct member of.
func (st *Store) groupsOf(userID string, primary bool) []*Group {
	return list(st, st.groups, primary, func(g *Group) bool { return containsFold(g.Members, userID) })
}

// Principal types of app role assignments.
const (
	principalServicePrincipal = "ServicePrincipal"
	principalUser             = "User"
	principalGroup            = "Group"
)

// principal is who an app role assignment is given to.
type principal struct {
	id, displayName, kind string
}

// memberType is the allowedMemberTypes entry a role needs for this
// principal: "Application" for service principals, "User" for users and
// groups.
func (p principal) memberType() string {
	if p.kind == principalServicePrincipal {
		return "Application"
	}
	return "User"
}

// principalByID finds a service principal, user or group by object id.
func (st *Store) principalByID(id string, primary bool) (principal, bool) {
	if sp, ok := st.spByID(id, primary); ok {
		return principal{sp.ID, sp.DisplayName, principalServicePrincipal}, true
	}
	if u, ok := st.userByID(id, primary); ok {
		return principal{u.ID, u.DisplayName, principalUser}, true
	}
	if g, ok := st.groupByID(id, primary); ok {
		return principal{g.ID, g.DisplayName, principalGroup}, true
	}
	return principal{}, false
}

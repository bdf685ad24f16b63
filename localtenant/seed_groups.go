package localtenant

import (
	"fmt"
	"strings"
	"time"
)

// contractGroups are the security groups every local tenant has, with
// their members among the seeded users.
func (s *Server) contractGroups() []SeedGroup {
	upn := func(local string) string { return local + "@" + s.domain }
	return []SeedGroup{
		{DisplayName: "Engineering", Description: "Engineering team", Members: []string{upn(defaultUserName), upn(diegoUserName)}},
		{DisplayName: "Finance", Description: "Finance team", Members: []string{upn(adeleUserName), upn(mfaUserName)}},
		{DisplayName: "HR", Description: "Human resources", Members: []string{upn(mfaUserName)}},
	}
}

// seedGroups adds groups that do not exist yet (by display name); an
// existing group gains the members it lacks. A member must be a user
// of the tenant.
func (s *Server) seedGroups(st *Store, groups []SeedGroup) error {
	now := st.now()
	for _, sg := range groups {
		var members []string
		for _, m := range sg.Members {
			u, ok := st.userByUPN(m, true)
			if !ok {
				return fmt.Errorf("group %q: member %s is not a user of the tenant", sg.DisplayName, m)
			}
			members = append(members, u.ID)
		}
		if g, ok := st.groupByName(sg.DisplayName, true); ok {
			for _, id := range members {
				if !containsFold(g.Members, id) {
					g.Members = append(g.Members, id)
				}
			}
			continue
		}
		var desc *string
		if sg.Description != "" {
			d := sg.Description
			desc = &d
		}
		g := &Group{
			Meta:            Meta{Seeded: true, Created: now},
			ID:              nameID("group", s.tenantID, strings.ToLower(sg.DisplayName)),
			DisplayName:     sg.DisplayName,
			Description:     desc,
			MailNickname:    mailNickname(sg.DisplayName),
			SecurityEnabled: true,
			GroupTypes:      []string{},
			CreatedDateTime: now.Truncate(time.Second),
			Members:         members,
		}
		st.groups[g.ID] = g
	}
	return nil
}

// mailNickname is a display name without the characters a mail
// nickname may not hold.
func mailNickname(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && r != ' ' && !strings.ContainsRune(`@()\[]";:.<>,`, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

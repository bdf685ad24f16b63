package entra

import "strings"

// Ownership tags mark the objects entraform manages. The tenant is the
// state: a workspace's objects are found by these tags.
const (
	TagManaged         = "entraform:managed"
	tagWorkspacePrefix = "entraform:workspace:"
	tagAddressPrefix   = "entraform:address:"
)

// Well-known resource applications.
const (
	GraphAppID      = "00000003-0000-0000-c000-000000000000"
	SharePointAppID = "00000003-0000-0ff1-ce00-000000000000"
)

// WorkspaceTag is the tag that puts an object in a workspace.
func WorkspaceTag(workspace string) string { return tagWorkspacePrefix + workspace }

// OwnershipTags returns the tags of a managed object at an address.
func OwnershipTags(workspace, address string) []string {
	return []string{TagManaged, WorkspaceTag(workspace), tagAddressPrefix + address}
}

// WorkspaceOf returns the workspace named by tags, or "".
func WorkspaceOf(tags []string) string { return tagValue(tags, tagWorkspacePrefix) }

// AddressOf returns the address named by tags, or "".
func AddressOf(tags []string) string { return tagValue(tags, tagAddressPrefix) }

// WithOwnership returns tags with the ownership tags replaced by those of
// workspace and address, keeping every other tag in its order.
func WithOwnership(tags []string, workspace, address string) []string {
	var out []string
	for _, t := range tags {
		if t == TagManaged || strings.HasPrefix(t, tagWorkspacePrefix) || strings.HasPrefix(t, tagAddressPrefix) {
			continue
		}
		out = append(out, t)
	}
	return append(out, OwnershipTags(workspace, address)...)
}

// UserTags are tags without entraform's own (every tag starting with
// "entraform:"), in their order; nil when there are none.
func UserTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if !strings.HasPrefix(t, "entraform:") {
			out = append(out, t)
		}
	}
	return out
}

func tagValue(tags []string, prefix string) string {
	for _, t := range tags {
		if v, ok := strings.CutPrefix(t, prefix); ok {
			return v
		}
	}
	return ""
}

// ResourceLabel is how configurations and plans name a resource
// application: "graph", "sharepoint", or its appId in lower case (the
// label of a permission block).
func ResourceLabel(appID string) string {
	switch id := strings.ToLower(appID); id {
	case GraphAppID:
		return "graph"
	case SharePointAppID:
		return "sharepoint"
	default:
		return id
	}
}

package graph

import (
	"net/http"
	"strings"
)

// isReplication reports whether an error answer is one Entra ID gives while
// a new object has not reached every replica yet:
//
//   - 404 Request_ResourceNotFound (a read, update, delete or POST to a
//     child of an object created moments ago);
//   - 400 "... does not reference a valid application object." (a service
//     principal for a new application);
//   - 400 or 404 naming an invalid or missing principalId, clientId or
//     resourceId (a grant or role assignment naming a new service principal).
func isReplication(status int, code, message string) bool {
	if status != http.StatusNotFound && status != http.StatusBadRequest {
		return false
	}
	if status == http.StatusNotFound && strings.EqualFold(code, "Request_ResourceNotFound") {
		return true
	}
	msg := strings.ToLower(message)
	if status == http.StatusBadRequest && strings.Contains(msg, "does not reference a valid application object") {
		return true
	}
	return mentionsAny(msg, "principalid", "clientid", "resourceid", "principal id", "client id", "resource id") &&
		mentionsAny(msg, "invalid", "not valid", "not found", "could not be found", "does not exist", "not present", "missing")
}

func mentionsAny(s string, words ...string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

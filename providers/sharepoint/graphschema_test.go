package sharepoint

import (
	"testing"

	"github.com/entraform/entraform/localtenant/schematest"
)

// TestWireTypesAreGraph: the Graph types of the provider (sites and site
// permissions) encode and decode only documented properties of
// Microsoft Graph v1.0, per the description the local tenant serves.
func TestWireTypesAreGraph(t *testing.T) {
	for _, p := range schematest.CheckAll("v1.0",
		schematest.Wire{GraphType: "site", Value: Site{}},
		schematest.Wire{GraphType: "permission", Value: Permission{}},
	) {
		t.Error(p)
	}
}

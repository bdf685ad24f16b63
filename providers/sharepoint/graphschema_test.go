package sharepoint

import (
	"testing"

	"github.com/entraform/entraform/localtenant/schematest"
)

// TestWireTypesAreGraph: the Graph types of the provider (sites and site
// permissions) encode and decode only documented properties of
// Microsoft Graph v1.0, per the description the local tenant serves.
func TestWireTypesAreGraph(t *testing.T) {
	for _, tt := range []struct {
		graphType string
		v         any
	}{
		{"site", Site{}},
		{"permission", Permission{}},
	} {
		for _, p := range schematest.Check("v1.0", tt.graphType, tt.v) {
			t.Errorf("%T: %s", tt.v, p)
		}
	}
}

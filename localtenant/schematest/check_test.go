package schematest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type web struct {
	RedirectURIs []string `json:"redirectUris"`
	HomePageURL  *string  `json:"homePageUrl"`
	Implicit     *struct {
		Hybrid bool `json:"enableHybrid"`
	} `json:"implicitGrantSettings"`
}

type badApplication struct {
	ID          string     `json:"id"`
	DisplayName int        `json:"displayName"`
	Colour      string     `json:"colour"`
	Tags        string     `json:"tags"`
	Web         *web       `json:"web,omitempty"`
	Created     *time.Time `json:"createdDateTime"`
	Owners      []string   `json:"owners"`
	Internal    string     `json:"-"`
}

// TestCheckFindsDrift: Check names each field that is not Graph's, and
// each Go type that cannot carry the property.
func TestCheckFindsDrift(t *testing.T) {
	want := []string{
		"application.displayName: Go int for Edm.String",
		"application.colour (Go field Colour): not a property of application in Graph v1.0",
		"application.tags: Go string for a collection of Edm.String",
		"application.web.implicitGrantSettings.enableHybrid (Go field Hybrid): not a property of implicitGrantSettings in Graph v1.0",
	}
	if diff := cmp.Diff(want, Check("v1.0", "application", badApplication{})); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}

// TestCheckAllNamesTheGoType: CheckAll reports each wire's problems
// under its Go type, and nothing for a type that is Graph's.
func TestCheckAllNamesTheGoType(t *testing.T) {
	type goodWeb struct {
		RedirectURIs []string `json:"redirectUris"`
	}
	want := []string{
		"schematest.badApplication: application.displayName: Go int for Edm.String",
		"schematest.badApplication: application.colour (Go field Colour): not a property of application in Graph v1.0",
		"schematest.badApplication: application.tags: Go string for a collection of Edm.String",
		"schematest.badApplication: application.web.implicitGrantSettings.enableHybrid (Go field Hybrid): not a property of implicitGrantSettings in Graph v1.0",
	}
	got := CheckAll("v1.0", Wire{GraphType: "webApplication", Value: goodWeb{}}, Wire{GraphType: "application", Value: badApplication{}})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CheckAll (-want +got):\n%s", diff)
	}
}

package entra

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUserTagsLeaveOutEntraformTags(t *testing.T) {
	tests := []struct {
		name string
		tags []string
		want []string
	}{
		{"none", nil, nil},
		{"only ownership", OwnershipTags("demo", "application.web"), nil},
		{"user tags keep their order", append([]string{"team:orders", "HideApp"}, OwnershipTags("demo", "application.web")...), []string{"team:orders", "HideApp"}},
		{"any entraform: tag", []string{"entraform:future", "cost-centre"}, []string{"cost-centre"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, UserTags(tt.tags)); diff != "" {
				t.Errorf("UserTags (-want +got):\n%s", diff)
			}
		})
	}
}

package localtenant

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFilterEvaluation(t *testing.T) {
	objs := map[string]map[string]any{
		"a": {"displayName": "Alpha One", "appId": "11111111-1111-1111-1111-111111111111", "tags": []any{"x", "y"}, "uniqueName": nil, "n": 3.0, "web": map[string]any{"redirectUris": []any{"http://localhost:5555/"}}},
		"b": {"displayName": "beta", "appId": "22222222-2222-2222-2222-222222222222", "tags": []any{}, "uniqueName": "u.b", "n": 7.0, "web": map[string]any{"redirectUris": []any{}}},
		"c": {"displayName": "O'Brien", "appId": "33333333-3333-3333-3333-333333333333", "tags": []any{"y"}, "uniqueName": "u.c", "n": 5.0},
	}
	schema := filterSchema{Type: "Application", Props: []string{"displayName", "appId", "tags", "uniqueName", "n", "web"}}
	tests := []struct {
		filter string
		want   []string
	}{
		{"displayName eq 'alpha one'", []string{"a"}},
		{"DisplayName eq 'BETA'", []string{"b"}},
		{"displayName eq 'O''Brien'", []string{"c"}},
		{"appId eq 22222222-2222-2222-2222-222222222222", []string{"b"}},
		{"uniqueName eq null", []string{"a"}},
		{"uniqueName ne null", []string{"b", "c"}},
		{"tags/any(t:t eq 'y')", []string{"a", "c"}},
		{"tags/any(t:startswith(t,'x'))", []string{"a"}},
		{"tags/all(t:t eq 'y')", []string{"b", "c"}},
		{"not tags/any(t:t eq 'y')", []string{"b"}},
		{"startswith(displayName,'a') or endswith(displayName,'ien')", []string{"a", "c"}},
		{"appId in ('11111111-1111-1111-1111-111111111111','33333333-3333-3333-3333-333333333333')", []string{"a", "c"}},
		{"n ge 5 and n lt 7", []string{"c"}},
		{"(n gt 3 or n eq 3) and not (displayName eq 'beta')", []string{"a", "c"}},
		{"web/redirectUris/any(u:u eq 'http://localhost:5555/')", []string{"a"}},
	}
	for _, tt := range tests {
		x, _, err := parseFilter(tt.filter, schema)
		if err != nil {
			t.Errorf("%s: %v", tt.filter, err)
			continue
		}
		var got []string
		for _, id := range []string{"a", "b", "c"} {
			if x.eval(filterEnv{obj: objs[id]}) {
				got = append(got, id)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.filter, diff)
		}
	}
}

func TestFilterErrorsAndAdvancedOperators(t *testing.T) {
	schema := filterSchema{Type: "Application", Props: []string{"displayName", "tags"}}
	tests := []struct {
		filter   string
		advanced string
		err      string
	}{
		{"displayName eq 'a'", "", ""},
		{"displayName ne 'a'", "ne", ""},
		{"not (displayName eq 'a')", "not", ""},
		{"endswith(displayName,'a')", "endsWith", ""},
		{"displayName eq", "", "Invalid filter clause: expected a literal at the end of the clause."},
		{"displayName eq 'a", "", "Invalid filter clause: unterminated string literal at position 15."},
		{"displayName has 'a'", "", "Invalid filter clause: operator 'has' is not supported."},
		{"notes eq 'a'", "", "Unsupported or invalid query filter clause specified for property 'notes' of resource 'Application'."},
		{"tags/any(t:x eq 'a')", "", "Unsupported or invalid query filter clause specified for property 'x' of resource 'Application'."},
		{"displayName eq 'a' extra", "", "Invalid filter clause: unexpected 'extra' at position 19."},
		{"(displayName eq 'a'", "", "Invalid filter clause: expected ')' at the end of the clause."},
	}
	for _, tt := range tests {
		_, adv, err := parseFilter(tt.filter, schema)
		gotErr := ""
		if err != nil {
			gotErr = err.message
			if err.code != CodeUnsupportedQuery || err.status != 400 {
				t.Errorf("%s: error %d %s, want 400 %s", tt.filter, err.status, err.code, CodeUnsupportedQuery)
			}
		}
		if diff := cmp.Diff([]string{tt.advanced, tt.err}, []string{adv, gotErr}); diff != "" {
			t.Errorf("%s: [advanced, error] (-want +got):\n%s", tt.filter, diff)
		}
	}
}

func TestPageCursorRoundTrip(t *testing.T) {
	c := pageCursor{ID: "abc-1", Created: mustTime(t, "2026-01-02T03:04:05.123456789Z")}
	got, ok := decodeCursor(encodeCursor(c))
	if !ok || !got.Created.Equal(c.Created) || got.ID != c.ID {
		t.Errorf("round trip: %+v %v, want %+v", got, ok, c)
	}
	for _, bad := range []string{"", "!!", "bHQxfHh8eQ"} {
		if _, ok := decodeCursor(bad); ok {
			t.Errorf("decodeCursor(%q) accepted", bad)
		}
	}
}

func mustTime(t *testing.T, v string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

package localtenant

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSearchWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"myApp-v2 reader", []string{"my", "app", "v2", "reader"}},
		{"SharePoint site lister", []string{"share", "point", "site", "lister"}},
		{"", nil},
	} {
		if diff := cmp.Diff(tt.want, searchWords(tt.in)); diff != "" {
			t.Errorf("searchWords(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// Advanced queries need ConsistencyLevel: eventual, with Graph's errors
// otherwise; $search finds applications by the words of a property.
func TestAdvancedQueries(t *testing.T) {
	s := start(t, Options{})
	op := operator(t, s)
	for _, name := range []string{"HR site reader", "Finance site writer", "hr-export daemon"} {
		op.must(http.StatusCreated, "POST", "/applications", map[string]any{"displayName": name, "description": "made for " + name})
	}
	const eventual = "ConsistencyLevel: eventual"
	for _, tt := range []struct {
		name    string
		query   string
		headers []string
		want    []string // display names, sorted
		err     errorOf
	}{
		{"$search without the header", `$search="displayName:hr"`, nil, nil, errorOf{400, CodeBadRequest}},
		{"$search a word prefix", `$search="displayName:hr"`, []string{eventual}, []string{"HR site reader", "hr-export daemon"}, errorOf{}},
		{"$search two words", `$search="displayName:site re"`, []string{eventual}, []string{"HR site reader"}, errorOf{}},
		{"$search OR", `$search="displayName:finance" OR "displayName:daemon"`, []string{eventual}, []string{"Finance site writer", "hr-export daemon"}, errorOf{}},
		{"$search AND", `$search="displayName:site" AND "description:finance"`, []string{eventual}, []string{"Finance site writer"}, errorOf{}},
		{"$search with $filter", `$search="displayName:site"&$filter=startswith(displayName,'HR')`, []string{eventual}, []string{"HR site reader"}, errorOf{}},
		{"$search without quotes", `$search=displayName:hr`, []string{eventual}, nil, errorOf{400, CodeBadRequest}},
		{"$search an unknown property", `$search="color:red"`, []string{eventual}, nil, errorOf{400, CodeBadRequest}},
		{"endsWith without the header", `$filter=endswith(displayName,'daemon')`, nil, nil, errorOf{400, CodeUnsupportedQuery}},
		{"endsWith with the header but no $count", `$filter=endswith(displayName,'daemon')`, []string{eventual}, nil, errorOf{400, CodeUnsupportedQuery}},
		{"endsWith with the header and $count", `$filter=endswith(displayName,'daemon')&$count=true`, []string{eventual}, []string{"hr-export daemon"}, errorOf{}},
		{"ne without the header", `$filter=displayName ne 'x'`, nil, nil, errorOf{400, CodeUnsupportedQuery}},
		{"$count without the header", `$count=true`, nil, nil, errorOf{400, CodeBadRequest}},
		{"$top 0", `$top=0`, nil, nil, errorOf{400, CodeBadRequest}},
		{"$top 1000", `$top=1000`, nil, nil, errorOf{400, CodeBadRequest}},
		{"$orderby is not emulated", `$orderby=displayName`, []string{eventual}, nil, errorOf{400, CodeUnsupportedQuery}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			r := op.do("GET", "/applications?"+q.Encode(), nil, tt.headers...)
			if tt.want == nil {
				if diff := cmp.Diff(tt.err, errOf(r)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
				return
			}
			if r.status != http.StatusOK {
				t.Fatalf("HTTP %d: %s", r.status, r.raw)
			}
			var got []string
			for _, v := range r.values() {
				if v["displayName"] != "entraform operator" {
					got = append(got, v["displayName"].(string))
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// $search is evaluated on directory objects only.
	if r := op.do("GET", "/oauth2PermissionGrants?$search="+url.QueryEscape(`"scope:x"`), nil, eventual); r.status != http.StatusBadRequest {
		t.Errorf("$search on grants: HTTP %d", r.status)
	}
}

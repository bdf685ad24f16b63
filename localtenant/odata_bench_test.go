package localtenant

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkListApplications measures one page of a bulk refresh: 999
// managed applications out of 2000, filtered by tag.
func BenchmarkListApplications(b *testing.B) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	err = s.write(func(st *Store) error {
		for i := range 2000 {
			a := &Application{DisplayName: fmt.Sprintf("app %d", i), Tags: []string{"entraform:managed"}}
			normalizeApplication(a)
			st.addApplication(a)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	op := operator(b, s)
	u := graphV1 + "/applications?$top=999&$filter=" + url.QueryEscape("tags/any(t:t eq 'entraform:managed')")
	b.ResetTimer()
	for b.Loop() {
		next := u
		for next != "" {
			r := op.do("GET", next, nil)
			if r.status != http.StatusOK {
				b.Fatalf("HTTP %d", r.status)
			}
			next = r.str("@odata.nextLink")
		}
	}
}

package entra

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/entraform/entraform/providers/graph"
	"github.com/entraform/entraform/providers/graph/graphtest"
)

// TestAddPasswordSendsOneRequest: adding a secret is one POST, with no
// read of the application's secrets before it.
func TestAddPasswordSendsOneRequest(t *testing.T) {
	tn := startTenant(t, tenantOptions{})
	ctx := ctxFor(t)
	app := newManagedApp(t, tn, "onerequest", "web")
	tn.s.ResetRequests()
	if _, err := tn.p.AddPassword(ctx, app.ID, "web", time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tn.s.Requests() {
		got = append(got, r.Method+" "+r.Path)
	}
	if diff := cmp.Diff([]string{"POST /v1.0/applications/" + app.ID + "/addPassword"}, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// dropAnswers lets the first n addPassword requests reach the tenant and
// loses their answers, as a connection that breaks after the service
// acted does.
type dropAnswers struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    int
}

func (d *dropAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := d.next.RoundTrip(req)
	if err != nil || req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/addPassword") {
		return resp, err
	}
	d.mu.Lock()
	drop := d.n > 0
	d.n--
	d.mu.Unlock()
	if !drop {
		return resp, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, io.ErrUnexpectedEOF
}

// TestAddPasswordAfterLostAnswer: the first addPassword happens but its
// answer is lost. AddPassword removes the secret nobody has and adds
// another; the secrets the caller named as existing stay, even one of the
// same display name.
func TestAddPasswordAfterLostAnswer(t *testing.T) {
	tests := []struct {
		name string
		// before are the display names of the secrets the application has
		// before the add; the caller passes their key ids.
		before []string
	}{
		{name: "new application"},
		{name: "secrets of the same and of another name", before: []string{"web", "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tn := startTenant(t, tenantOptions{})
			ctx := ctxFor(t)
			app := newManagedApp(t, tn, "lostanswer", "web")
			var existing []string
			for _, name := range tt.before {
				c, err := tn.p.AddPassword(ctx, app.ID, name, time.Time{})
				if err != nil {
					t.Fatal(err)
				}
				existing = append(existing, c.KeyID)
			}

			lossy := &dropAnswers{next: tn.hc.Transport, n: 1}
			op, err := graphtest.Connect(context.Background(), tn.s, graph.Options{})
			if err != nil {
				t.Fatal(err)
			}
			g, err := graph.New(graph.Options{Tokens: op.Tokens, HTTPClient: &http.Client{Transport: lossy}})
			if err != nil {
				t.Fatal(err)
			}
			p := New(g, Options{ReplicationTimeout: 5 * time.Second})

			cred, err := p.AddPassword(ctx, app.ID, "web", time.Time{}, existing...)
			if err != nil {
				t.Fatalf("AddPassword after a lost answer: %v", err)
			}
			if lossy.n >= 1 {
				t.Fatal("no answer was lost: the test shows nothing")
			}
			want := slices.Clone(existing)
			want = append(want, cred.KeyID)
			slices.Sort(want)
			var got []string
			var a Application
			if err := tn.c.Get(ctx, "/applications/"+app.ID, &a); err != nil {
				t.Fatal(err)
			}
			for _, c := range a.PasswordCredentials {
				got = append(got, c.KeyID)
			}
			slices.Sort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("key ids of the application's secrets: the known ones and the new one (-want +got):\n%s", diff)
			}
		})
	}
}

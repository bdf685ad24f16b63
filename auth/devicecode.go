package auth

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// deviceCodeSource signs a person in with the device code flow and keeps
// their refresh token in the persistent cache, so the next run signs in
// silently. Tokens are also memoised in memory: MSAL's persistent cache
// reads and writes its file on every call, which is too slow per request.
type deviceCodeSource struct {
	app    App
	client public.Client
	prompt io.Writer

	mu     sync.Mutex // one sign-in at a time; guards memo
	memo   map[string]Token
	expiry time.Duration // a memoised token is reused until this close to expiry
}

func newDeviceCodeSource(app App, prompt io.Writer, cacheDir string) (*deviceCodeSource, error) {
	if prompt == nil {
		prompt = io.Discard
	}
	fc, err := newFileCache(cacheDir, prompt)
	if err != nil {
		return nil, err
	}
	opts := []public.Option{
		public.WithAuthority(app.Cloud.AuthorityURL(app.TenantID)),
		public.WithCache(fc),
	}
	if app.HTTPClient != nil {
		opts = append(opts, public.WithHTTPClient(app.HTTPClient))
	}
	c, err := public.New(app.ClientID, opts...)
	if err != nil {
		return nil, err
	}
	return &deviceCodeSource{app: app, client: c, prompt: prompt, memo: map[string]Token{}, expiry: 5 * time.Minute}, nil
}

// Token returns a delegated token for scopes: from memory, else silently
// from the cache (refresh token), else after a device code sign-in.
func (d *deviceCodeSource) Token(ctx context.Context, scopes []string) (Token, error) {
	key := scopeKey(scopes)
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.memo[key]; ok && time.Until(t.ExpiresOn) > d.expiry {
		return t, nil
	}
	t, err := d.acquire(ctx, scopes)
	if err != nil {
		return Token{}, fmt.Errorf("token for %s as a signed-in user: %w", scopesString(scopes), signInError(err))
	}
	d.memo[key] = t
	return t, nil
}

func (d *deviceCodeSource) acquire(ctx context.Context, scopes []string) (Token, error) {
	accounts, err := d.client.Accounts(ctx)
	if err == nil {
		// Accounts of the wanted tenant first; a tenant given as a domain
		// name matches no realm (a GUID), so every account is tried.
		sort.SliceStable(accounts, func(i, j int) bool {
			return strings.EqualFold(accounts[i].Realm, d.app.TenantID) && !strings.EqualFold(accounts[j].Realm, d.app.TenantID)
		})
		for _, acct := range accounts {
			res, err := d.client.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(acct))
			if err == nil {
				return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
			}
		}
	}
	dc, err := d.client.AcquireTokenByDeviceCode(ctx, scopes)
	if err != nil {
		return Token{}, err
	}
	fmt.Fprintln(d.prompt, dc.Result.Message)
	res, err := dc.AuthenticationResult(ctx)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}, nil
}

func scopeKey(scopes []string) string {
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	return strings.Join(s, " ")
}

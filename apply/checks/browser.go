package checks

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
)

// HTTPBrowser is a browser for unattended sign-ins against the local
// tenant, whose authorize endpoint approves without a page: it follows
// redirects and submits form_post pages with client (which must reach the
// identity platform and this machine's loopback listeners; endpoint's
// transport does both) until the answer reaches a loopback redirect URI.
// An error page on the way (an AADSTS error the identity platform shows
// instead of redirecting, such as AADSTS50011) is returned as an error
// carrying its text. Against a real tenant, a sign-in page shows up
// instead, and HTTPBrowser fails saying so.
func HTTPBrowser(client *http.Client) func(ctx context.Context, url string) error {
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return func(ctx context.Context, start string) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, start, nil)
		if err != nil {
			return err
		}
		for hop := 0; hop < 10; hop++ {
			resp, err := c.Do(req)
			if err != nil {
				return err
			}
			body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			if err != nil {
				return fmt.Errorf("reading %s: %w", req.URL.Host, err)
			}
			if isLoopback(req.URL) {
				// The app's redirect URI got the answer: the browser's job is done.
				return nil
			}
			switch {
			case resp.StatusCode >= 300 && resp.StatusCode < 400:
				loc, err := req.URL.Parse(resp.Header.Get("Location"))
				if err != nil || resp.Header.Get("Location") == "" {
					return fmt.Errorf("%s answered %s without a usable Location", req.URL.Host, resp.Status)
				}
				if req, err = http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil); err != nil {
					return err
				}
			case resp.StatusCode == http.StatusOK && bytesHaveForm(body):
				action, values, err := autoPostForm(req.URL, body)
				if err != nil {
					return err
				}
				if req, err = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(values.Encode())); err != nil {
					return err
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			default:
				if msg := pageError(body); msg != "" {
					return errors.New(msg)
				}
				if resp.StatusCode == http.StatusOK {
					return fmt.Errorf("%s shows a page that needs a person (a sign-in page?); HTTPBrowser only completes sign-ins that need no page, as the local tenant's", req.URL.Host)
				}
				return fmt.Errorf("%s answered %s", req.URL.Host, resp.Status)
			}
		}
		return errors.New("too many redirects during sign-in")
	}
}

func isLoopback(u *url.URL) bool {
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func bytesHaveForm(body []byte) bool {
	return strings.Contains(strings.ToLower(string(body)), "<form")
}

// autoPostForm reads the first form of an HTML page (the form_post
// response page) and returns where it posts and its fields.
func autoPostForm(base *url.URL, body []byte) (*url.URL, url.Values, error) {
	z := xhtml.NewTokenizer(strings.NewReader(string(body)))
	var action string
	values := url.Values{}
	inForm := false
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if !inForm {
				return nil, nil, errors.New("sign-in page: no form found")
			}
			u, err := base.Parse(action)
			if err != nil {
				return nil, nil, fmt.Errorf("sign-in page: form action %q: %w", action, err)
			}
			return u, values, nil
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			t := z.Token()
			attr := func(name string) string {
				for _, a := range t.Attr {
					if a.Key == name {
						return a.Val
					}
				}
				return ""
			}
			switch t.Data {
			case "form":
				if !inForm {
					inForm = true
					action = attr("action")
				}
			case "input":
				if inForm && attr("name") != "" && attr("type") != "submit" {
					values.Add(attr("name"), attr("value"))
				}
			}
		case xhtml.EndTagToken:
			if t := z.Token(); t.Data == "form" && inForm {
				u, err := base.Parse(action)
				if err != nil {
					return nil, nil, fmt.Errorf("sign-in page: form action %q: %w", action, err)
				}
				return u, values, nil
			}
		}
	}
}

var pageErrorPattern = regexp.MustCompile(`AADSTS\d+:[^<]*`)

// pageError finds an AADSTS error in an HTML error page.
func pageError(body []byte) string {
	m := pageErrorPattern.Find(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(html.UnescapeString(string(m)))
}

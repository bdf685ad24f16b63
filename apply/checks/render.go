package checks

import (
	"fmt"
	"io"
	"strings"
	"time"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiDim   = "\x1b[2m"
)

// Render writes one line per check and per request, the token's claims
// that matter, the explanation of each problem, and a summary line. With
// color, passes are green and failures red.
func Render(w io.Writer, results []Result, color bool) {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	passed := 0
	for _, r := range results {
		if r.OK {
			passed++
		}
		renderOne(w, r, color, false)
	}
	failed := len(results) - passed
	switch {
	case len(results) == 0:
		fmt.Fprintln(w, "No checks to run.")
	case failed == 0:
		fmt.Fprintln(w, paint(ansiBold+ansiGreen, fmt.Sprintf("Checks: %d passed.", passed)))
	default:
		fmt.Fprintln(w, paint(ansiBold+ansiRed, fmt.Sprintf("Checks: %d passed, %d failed.", passed, failed)))
	}
}

// renderOne writes a check's lines; short writes only the check's line
// (progress while checks run).
func renderOne(w io.Writer, r Result, color, short bool) {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	mark := paint(ansiGreen, "PASS")
	if !r.OK {
		mark = paint(ansiRed, "FAIL")
	}
	head := fmt.Sprintf("%s %s", mark, paint(ansiBold, r.Address))
	if r.Flow != "" {
		head += fmt.Sprintf(" (%s as %s", r.Flow, r.Application)
		if r.Attempts > 1 {
			head += fmt.Sprintf(", %d attempts", r.Attempts)
		}
		head += fmt.Sprintf(", %s)", roundDuration(r.Duration))
	}
	fmt.Fprintln(w, head)
	if short {
		return
	}
	if line := claimsLine(r.Claims); line != "" {
		fmt.Fprintln(w, "    "+paint(ansiDim, line))
	}
	if r.Refused != "" {
		fmt.Fprintln(w, "    "+paint(ansiDim, "refused as expected: "+r.Refused))
	}
	for _, q := range r.Requests {
		fmt.Fprintln(w, "    "+requestLine(q, paint))
	}
	for _, p := range r.Problems {
		fmt.Fprintln(w, "    "+paint(ansiRed, "- ")+p.Message)
		if p.Detail != "" && !strings.Contains(p.Message, p.Detail) {
			fmt.Fprintln(w, "      "+paint(ansiDim, "service said: "+p.Detail))
		}
	}
}

func requestLine(q RequestResult, paint func(string, string) string) string {
	mark := paint(ansiGreen, "ok  ")
	if !q.OK {
		mark = paint(ansiRed, "FAIL")
	}
	s := fmt.Sprintf("%s %s %s %s", mark, q.Name, q.Method, q.URL)
	switch {
	case q.Status == 0:
		s += " -> " + q.Error
	case q.OK && q.Want != 200:
		s += fmt.Sprintf(" -> %d (expected)", q.Status)
	case q.OK:
		s += fmt.Sprintf(" -> %d", q.Status)
	default:
		s += fmt.Sprintf(" -> %d, want %d", q.Status, q.Want)
		if q.Error != "" {
			s += " (" + q.Error + ")"
		}
	}
	return s
}

// claimsLine shows the claims that matter: aud, appid, roles or scp, tid,
// idtyp, exp.
func claimsLine(c Claims) string {
	if c.Audience == "" && c.AppID == "" {
		return ""
	}
	parts := []string{"token:", "aud=" + c.Audience, "appid=" + c.AppID, "idtyp=" + c.IDType}
	if c.AppOnly() {
		parts = append(parts, "roles="+listOrNone(c.Roles))
	} else {
		parts = append(parts, "scp="+listOrNone(c.Scopes))
		if len(c.Roles) > 0 {
			parts = append(parts, "roles="+strings.Join(c.Roles, ","))
		}
		if c.User != "" {
			parts = append(parts, "upn="+c.User)
		}
	}
	parts = append(parts, "tid="+c.TenantID)
	if !c.Expires.IsZero() {
		parts = append(parts, "exp="+c.Expires.UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, " ")
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return strings.Join(s, ",")
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

package checks

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Claims are the claims of an access token that a check shows and
// compares.
type Claims struct {
	// Audience is aud: the API the token is for.
	Audience string
	// AppID is appid (v1.0 tokens) or azp (v2.0): the client application.
	AppID string
	// TenantID is tid.
	TenantID string
	// IDType is idtyp: "app" for app-only tokens, "user" for delegated
	// ones (inferred from scp when the claim is absent).
	IDType string
	// Roles are the application permissions of an app-only token.
	Roles []string
	// Scopes are the delegated permissions (scp, space separated in the
	// token).
	Scopes []string
	// User is upn (or preferred_username) of a delegated token.
	User string
	// AppIDACR is how the client authenticated: "0" public client, "1"
	// secret, "2" certificate or federated assertion.
	AppIDACR string
	// Expires is exp.
	Expires time.Time
}

// AppOnly reports whether the token carries no user.
func (c Claims) AppOnly() bool { return c.IDType == "app" }

// DecodeClaims reads the claims of a JWT access token. It does not verify
// the signature: the token came from the token endpoint over TLS, and the
// API it is sent to verifies it.
func DecodeClaims(token string) (Claims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, errors.New("the access token is not a JWT (want three dot-separated parts)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, fmt.Errorf("decoding the access token's payload: %w", err)
	}
	var raw struct {
		Aud               json.RawMessage `json:"aud"`
		AppID             string          `json:"appid"`
		AZP               string          `json:"azp"`
		TID               string          `json:"tid"`
		IDTyp             string          `json:"idtyp"`
		Roles             []string        `json:"roles"`
		SCP               string          `json:"scp"`
		UPN               string          `json:"upn"`
		PreferredUsername string          `json:"preferred_username"`
		AppIDACR          string          `json:"appidacr"`
		AZPACR            string          `json:"azpacr"`
		Exp               json.Number     `json:"exp"`
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Claims{}, fmt.Errorf("decoding the access token's claims: %w", err)
	}
	c := Claims{
		AppID:    first(raw.AppID, raw.AZP),
		TenantID: raw.TID,
		IDType:   raw.IDTyp,
		Roles:    sorted(raw.Roles),
		Scopes:   sorted(strings.Fields(raw.SCP)),
		User:     first(raw.UPN, raw.PreferredUsername),
		AppIDACR: first(raw.AppIDACR, raw.AZPACR),
	}
	c.Audience, err = audience(raw.Aud)
	if err != nil {
		return Claims{}, err
	}
	if raw.Exp != "" {
		f, err := raw.Exp.Float64()
		if err != nil {
			return Claims{}, fmt.Errorf("decoding the access token's exp claim %q: %w", raw.Exp, err)
		}
		c.Expires = time.Unix(int64(f), 0).UTC()
	}
	if c.IDType == "" {
		c.IDType = "app"
		if raw.SCP != "" || c.User != "" {
			c.IDType = "user"
		}
	}
	return c, nil
}

// audience reads aud, a string or (rarely) an array of strings.
func audience(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", fmt.Errorf("decoding the access token's aud claim: %w", err)
	}
	return strings.Join(list, " "), nil
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func sorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// hasFold reports whether list holds v, ignoring case (permission values
// are case-insensitive in Entra).
func hasFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// peekAssertion reads iss, sub and aud of a federated assertion for
// explanations.
func peekAssertion(token string) (assertionClaims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return assertionClaims{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return assertionClaims{}, false
	}
	var raw struct {
		Iss string          `json:"iss"`
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
	}
	if json.Unmarshal(payload, &raw) != nil {
		return assertionClaims{}, false
	}
	aud, _ := audience(raw.Aud)
	return assertionClaims{Issuer: raw.Iss, Subject: raw.Sub, Audience: aud}, true
}

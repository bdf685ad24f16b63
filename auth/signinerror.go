package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// SignInError is a refusal from the identity platform's token endpoint.
type SignInError struct {
	// StatusCode is the HTTP status of the token endpoint's answer.
	StatusCode int
	// Code is the OAuth error: invalid_client, invalid_grant, ...
	Code string
	// AADSTS is the numeric Entra error (7000215 for a bad secret), 0 if none.
	AADSTS int
	// Description is the error_description without its trace and
	// correlation ids.
	Description string
	// Err is the underlying MSAL error.
	Err error
}

func (e *SignInError) Error() string {
	var b strings.Builder
	b.WriteString("sign-in refused")
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s", e.Code)
		if e.StatusCode != 0 {
			fmt.Fprintf(&b, ", HTTP %d", e.StatusCode)
		}
		b.WriteString(")")
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	return b.String()
}

func (e *SignInError) Unwrap() error { return e.Err }

// AADSTSCode returns the AADSTS code of a sign-in failure anywhere in err's
// chain, or 0.
func AADSTSCode(err error) int {
	var s *SignInError
	if errors.As(err, &s) {
		return s.AADSTS
	}
	return 0
}

var aadstsPattern = regexp.MustCompile(`AADSTS(\d+)`)

// signInError turns an MSAL error into a *SignInError when it carries a
// token endpoint answer; other errors are returned as they are.
func signInError(err error) error {
	if err == nil {
		return nil
	}
	var call msalerrors.CallErr
	if !errors.As(err, &call) {
		return err
	}
	out := &SignInError{Err: err}
	if call.Resp != nil {
		out.StatusCode = call.Resp.StatusCode
	}
	// MSAL puts the answer's body after the first line of its message.
	msg := call.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
			ErrorCodes  []int  `json:"error_codes"`
		}
		if json.Unmarshal([]byte(msg[i+1:]), &body) == nil {
			out.Code = body.Error
			out.Description = trimTrace(body.Description)
			if len(body.ErrorCodes) > 0 {
				out.AADSTS = body.ErrorCodes[0]
			}
		} else {
			out.Description = strings.TrimSpace(msg[i+1:])
		}
	} else {
		out.Description = msg
	}
	if out.AADSTS == 0 {
		if m := aadstsPattern.FindStringSubmatch(out.Description); m != nil {
			fmt.Sscan(m[1], &out.AADSTS)
		}
	}
	return out
}

// trimTrace cuts the "Trace ID: ... Correlation ID: ... Timestamp: ..." tail.
func trimTrace(desc string) string {
	desc = strings.Join(strings.Fields(desc), " ")
	if i := strings.Index(desc, " Trace ID:"); i >= 0 {
		desc = desc[:i]
	}
	return desc
}

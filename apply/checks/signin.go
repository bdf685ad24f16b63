package checks

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/entraform/entraform/auth"
)

// asSignInError turns any sign-in failure into an *auth.SignInError when
// it carries an identity platform answer: auth's own errors, MSAL call
// errors (token endpoint bodies), and errors whose text holds an AADSTS
// code (an error sent to the redirect URI, an error page a browser saw).
// Other errors come back as they are.
func asSignInError(err error) error {
	if err == nil {
		return nil
	}
	var se *auth.SignInError
	if errors.As(err, &se) {
		return err
	}
	var call msalerrors.CallErr
	if errors.As(err, &call) {
		out := &auth.SignInError{Err: err}
		if call.Resp != nil {
			out.StatusCode = call.Resp.StatusCode
		}
		msg := call.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			if body, ok := parseTokenError([]byte(msg[i+1:])); ok {
				out.Code, out.Description, out.AADSTS = body.Code, body.Description, body.AADSTS
			} else {
				out.Description = trimTrace(msg[i+1:])
			}
		} else {
			out.Description = trimTrace(msg)
		}
		if out.AADSTS == 0 {
			out.AADSTS = aadstsIn(out.Description)
		}
		return out
	}
	if code := aadstsIn(err.Error()); code != 0 {
		return &auth.SignInError{AADSTS: code, Description: trimTrace(descriptionFrom(err.Error())), Err: err}
	}
	return err
}

// tokenError is the identity platform's error body.
type tokenError struct {
	Code        string
	Description string
	AADSTS      int
}

// parseTokenError reads a token endpoint error body.
func parseTokenError(data []byte) (tokenError, bool) {
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		ErrorCodes  []int  `json:"error_codes"`
	}
	if json.Unmarshal(data, &body) != nil || (body.Error == "" && body.Description == "") {
		return tokenError{}, false
	}
	out := tokenError{Code: body.Error, Description: trimTrace(body.Description)}
	if len(body.ErrorCodes) > 0 {
		out.AADSTS = body.ErrorCodes[0]
	} else {
		out.AADSTS = aadstsIn(body.Description)
	}
	return out, true
}

var aadstsPattern = regexp.MustCompile(`AADSTS(\d+)`)

func aadstsIn(s string) int {
	m := aadstsPattern.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// descriptionFrom keeps the text from the first "AADSTS" on.
func descriptionFrom(s string) string {
	if i := strings.Index(s, "AADSTS"); i >= 0 {
		return s[i:]
	}
	return s
}

// trimTrace cuts the "Trace ID: ... Correlation ID: ... Timestamp: ..."
// tail and folds white space.
func trimTrace(desc string) string {
	desc = strings.Join(strings.Fields(desc), " ")
	if i := strings.Index(desc, " Trace ID:"); i >= 0 {
		desc = desc[:i]
	}
	return desc
}

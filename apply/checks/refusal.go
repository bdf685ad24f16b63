package checks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/entraform/entraform/auth"
)

// expectRefusal decides a check with expect_error: it passes when the
// sign-in is refused with that AADSTS code. A token, or a refusal with
// another code, fails it; a token may be replication delay (an
// assignment removed moments ago), so that is retried.
func (r *checkRun) expectRefusal(res Result, token string, prob *Problem, err error) Result {
	want := strings.ToUpper(r.check.ExpectError)
	if prob != nil {
		res.Problems = append(res.Problems, *prob)
		return res
	}
	if err != nil {
		var se *auth.SignInError
		if errors.As(asSignInError(err), &se) && fmt.Sprintf("AADSTS%d", se.AADSTS) == want {
			res.OK = true
			res.Refused = se.Description
			if res.Refused == "" {
				res.Refused = want
			}
			return res
		}
		p := r.explainSignIn(err)
		p.Code = CodeRefusedOtherwise
		p.Message = fmt.Sprintf("the sign-in was refused, but not with the expected %s: %s", want, p.Message)
		res.Problems = append(res.Problems, p)
		return res
	}
	who := r.app.Addr
	if claims, derr := DecodeClaims(token); derr == nil {
		res.Claims = claims
		if claims.User != "" {
			who = claims.User + " through " + who
		}
	}
	res.Problems = append(res.Problems, Problem{Code: CodeNotRefused, transient: true, Message: fmt.Sprintf(
		"%s signed in and got a token, but the check expects the sign-in to be refused with %s", who, want)})
	return res
}

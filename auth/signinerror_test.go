package auth

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSignInErrorFromMSAL(t *testing.T) {
	body := `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.\r\nTrace ID: 0b1c Correlation ID: 9f3e Timestamp: 2026-01-01 00:00:00Z","error_codes":[7000215],"timestamp":"2026-01-01 00:00:00Z"}`
	call := msalerrors.CallErr{
		Resp: &http.Response{StatusCode: 401},
		Err:  fmt.Errorf("http call(https://login.microsoftonline.com/t/oauth2/v2.0/token)(POST) error: reply status code was 401:\n%s", body),
	}
	err := fmt.Errorf("token for x: %w", signInError(call))
	var got *SignInError
	if !errors.As(err, &got) {
		t.Fatalf("%v is not a *SignInError", err)
	}
	want := &SignInError{
		StatusCode:  401,
		Code:        "invalid_client",
		AADSTS:      7000215,
		Description: "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.",
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(SignInError{}, "Err")); diff != "" {
		t.Errorf("SignInError (-want +got):\n%s", diff)
	}
	if AADSTSCode(err) != 7000215 {
		t.Errorf("AADSTSCode = %d", AADSTSCode(err))
	}
	if got.Error() != "sign-in refused (invalid_client, HTTP 401): "+want.Description {
		t.Errorf("Error() = %q", got.Error())
	}
	plain := errors.New("dial tcp: refused")
	if signInError(plain) != plain || AADSTSCode(plain) != 0 {
		t.Errorf("a non-HTTP error must pass unchanged")
	}
}

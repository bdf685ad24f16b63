package graph

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOutcomeOfFailures(t *testing.T) {
	status := func(code int) error {
		return fmt.Errorf("creating x: %w", &Error{StatusCode: code, Method: "POST", URL: "/x"})
	}
	tests := []struct {
		name string
		err  error
		want [2]bool // IsAmbiguous, IsNotDone
	}{
		{"success", nil, [2]bool{false, false}},
		{"broken connection", errors.New("read: connection reset by peer"), [2]bool{true, false}},
		{"gateway timeout", status(504), [2]bool{true, false}},
		{"throttled", status(429), [2]bool{false, true}},
		{"server error", status(500), [2]bool{false, true}},
		{"bad gateway", status(502), [2]bool{false, true}},
		{"unavailable", status(503), [2]bool{false, true}},
		{"bad request", status(400), [2]bool{false, false}},
		{"conflict", status(409), [2]bool{false, false}},
		{"no token", &TokenError{Scope: "https://graph.microsoft.com/.default", Err: errors.New("AADSTS7000215")}, [2]bool{false, false}},
		{"cancelled", fmt.Errorf("creating x: %w", context.Canceled), [2]bool{false, false}},
		{"deadline", context.DeadlineExceeded, [2]bool{false, false}},
	}
	for _, tt := range tests {
		if got := [2]bool{IsAmbiguous(tt.err), IsNotDone(tt.err)}; got != tt.want {
			t.Errorf("%s: IsAmbiguous, IsNotDone = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestAgain(t *testing.T) {
	tests := []struct {
		name    string
		answers []error // one per send; the last repeats
		want    int     // sends
	}{
		{"success at once", []error{nil}, 1},
		{"throttled, then done", []error{&Error{StatusCode: 429}, nil}, 2},
		{"lost answer, then done", []error{&Error{StatusCode: 504}, nil}, 2},
		{"always unavailable", []error{&Error{StatusCode: 503}}, 3},
		{"refused for good", []error{&Error{StatusCode: 403}}, 1},
	}
	for _, tt := range tests {
		sends := 0
		err := Again(context.Background(), 3, func() error {
			sends++
			return tt.answers[min(sends, len(tt.answers))-1]
		})
		if diff := cmp.Diff(tt.want, sends); diff != "" {
			t.Errorf("%s: sends (-want +got):\n%s", tt.name, diff)
		}
		if last := tt.answers[min(sends, len(tt.answers))-1]; err != last {
			t.Errorf("%s: Again returned %v; want the last answer %v", tt.name, err, last)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sends := 0
	Again(ctx, 3, func() error { sends++; return &Error{StatusCode: 503} })
	if sends != 1 {
		t.Errorf("with a cancelled context Again sent %d times; want 1", sends)
	}
}

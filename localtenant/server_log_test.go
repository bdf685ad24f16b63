package localtenant

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestConnectAndHangUpIsNotLogged: a client that connects and closes the
// connection before its TLS handshake (entraform's "is the tenant
// running?" probe) leaves nothing in the server's error log, while other
// handshake errors still reach it.
func TestConnectAndHangUpIsNotLogged(t *testing.T) {
	var got bytes.Buffer
	logger := serverErrorLog(&got)
	logger.Print("http: TLS handshake error from 127.0.0.1:4711: EOF")
	logger.Print("http: TLS handshake error from 127.0.0.1:4712: remote error: tls: bad certificate")
	want := "http: TLS handshake error from 127.0.0.1:4712: remote error: tls: bad certificate\n"
	if diff := cmp.Diff(want, trimLogTime(got.String())); diff != "" {
		t.Errorf("error log (-want +got):\n%s", diff)
	}

}

// trimLogTime drops the date and time log.LstdFlags puts first.
func trimLogTime(s string) string {
	var out string
	for _, line := range bytes.Split([]byte(s), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		if f := bytes.SplitN(line, []byte(" "), 3); len(f) == 3 {
			out += string(f[2]) + "\n"
		}
	}
	return out
}

package localtenant

import (
	"bytes"
	"io"
	"log"
	"os"
)

// serverErrorLog is the http.Server's error log: what net/http reports
// goes to stderr, except a TLS handshake that ended with EOF. That is a
// client connecting and hanging up before speaking TLS (entraform's own
// "is the local tenant running?" probe, a port check, a health probe): a
// real Graph front end does not print anything for it, and printed in the
// middle of a plan it reads like a failure.
func serverErrorLog(w io.Writer) *log.Logger {
	if w == nil {
		w = os.Stderr
	}
	return log.New(quietHandshakeEOF{w}, "", log.LstdFlags)
}

type quietHandshakeEOF struct{ w io.Writer }

func (q quietHandshakeEOF) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("TLS handshake error")) && bytes.HasSuffix(bytes.TrimSpace(p), []byte(": EOF")) {
		return len(p), nil
	}
	return q.w.Write(p)
}

package localtenant

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"
)

// flowState holds what user flows leave between two requests: issued
// authorization codes and device codes. It is not persisted (codes live
// minutes).
type flowState struct {
	mu      sync.Mutex
	codes   map[string]*authCode
	devices map[string]*deviceCode
}

func newFlowState() *flowState {
	return &flowState{codes: map[string]*authCode{}, devices: map[string]*deviceCode{}}
}

// authCode is an authorization code issued by /authorize.
type authCode struct {
	clientID     string
	userID       string
	redirectURI  string
	scopes       []string
	challenge    string
	method       string // S256 or plain
	nonce        string
	publicClient bool // redirect URI registered under publicClient or spa
	expires      time.Time
}

// deviceCode is a device authorization in flight.
type deviceCode struct {
	clientID string
	scopes   []string
	userCode string
	userID   string // the approving user (the default user)
	issued   time.Time
	expires  time.Time
	polls    int
}

func (f *flowState) putCode(c *authCode) string {
	code := randomToken()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes[code] = c
	return code
}

// takeCode returns and forgets a code: codes are single use.
func (f *flowState) takeCode(code string) (*authCode, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.codes[code]
	delete(f.codes, code)
	return c, ok
}

func (f *flowState) putDevice(d *deviceCode) string {
	code := randomToken()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.devices[code] = d
	return code
}

func (f *flowState) device(code string) (*deviceCode, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.devices[code]
	if ok {
		d.polls++
	}
	return d, ok
}

func (f *flowState) dropDevice(code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.devices, code)
}

// randomToken is an opaque random string for codes.
func randomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("localtenant: reading random bytes: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

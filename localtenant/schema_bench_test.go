package localtenant

import (
	"encoding/json"
	"testing"
)

// BenchmarkApplicationJSON is the cost of rendering one application
// with Terraform's body stored, per response object.
func BenchmarkApplicationJSON(b *testing.B) {
	body := map[string]json.RawMessage{}
	for k, v := range terraformApplication("bench") {
		raw, _ := json.Marshal(v)
		body[k] = raw
	}
	a := &Application{ID: "id", AppID: "app", DisplayName: "bench"}
	a.Props = propsFromBody(nil, body, appTypedOnly)
	normalizeApplication(a)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		applicationJSON(versionV1, a)
	}
}

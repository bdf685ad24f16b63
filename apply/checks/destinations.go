package checks

import (
	"net/url"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
)

// Destination is where one check will sign in and send its
// application's token: what a plan shows before anything runs.
type Destination struct {
	Check       string // check address
	Application string // application address
	Flow        string
	// Resource is the API the check signs in for; its requests may go
	// only to APIOrigin(Resource).
	Resource string
	// Hosts are the origins the check contacts: the sign-in host, then
	// each request's, in order, without repeats.
	Hosts []string
	// Refused lists the request URLs whose origin is not the API's: they
	// will not be sent.
	Refused []string
}

// Destinations lists, for every check of cfg, the hosts it will contact.
func Destinations(cloud endpoint.Cloud, cfg *config.Config) []Destination {
	cloud = cloud.OrPublic()
	var out []Destination
	for _, c := range cfg.Checks {
		d := Destination{Check: c.Addr, Application: c.Application, Flow: c.Flow}
		seen := map[string]bool{}
		add := func(o string) {
			if !seen[o] {
				seen[o] = true
				d.Hosts = append(d.Hosts, o)
			}
		}
		add("https://" + cloud.LoginHost + ":443")
		if t, err := resolveTarget(cloud, cfg.Application(c.Application), c); err == nil {
			d.Resource = t.Resource
		}
		for _, q := range c.Requests {
			u, err := url.Parse(q.URL)
			if err != nil {
				continue
			}
			if d.Resource != "" && Origin(u) != APIOrigin(d.Resource) {
				d.Refused = append(d.Refused, q.URL)
				continue
			}
			add(Origin(u))
		}
		out = append(out, d)
	}
	return out
}

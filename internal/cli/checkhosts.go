package cli

import (
	"fmt"
	"strings"

	"github.com/entraform/entraform/apply/checks"
	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/endpoint"
)

// showCheckDestinations lists after a plan every login check the apply
// will run and the hosts each will contact with its application's token,
// so a reviewer sees where tokens go before approving.
func (m *Meta) showCheckDestinations(cfg *config.Config) {
	if len(cfg.Checks) == 0 {
		return
	}
	cloud, err := endpoint.CloudByName(cfg.Tenant.Cloud)
	if err != nil {
		return
	}
	fmt.Fprintf(m.Stdout, "\nLogin checks after apply (each signs in as its application and sends the token only to the hosts shown):\n")
	for _, d := range checks.Destinations(cloud, cfg) {
		var hosts []string
		for _, h := range d.Hosts {
			hosts = append(hosts, strings.TrimSuffix(h, ":443"))
		}
		fmt.Fprintf(m.Stdout, "  %s (%s as %s): %s\n", d.Check, d.Flow, d.Application, strings.Join(hosts, ", "))
		for _, u := range d.Refused {
			fmt.Fprintf(m.Stdout, "    will not send %s: not the API the check signs in for (%s)\n", u, d.Resource)
		}
	}
}

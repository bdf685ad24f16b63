package entra

import (
	"context"
	"fmt"

	"github.com/entraform/entraform/providers/graph"
)

// ApplicationsByUniqueName looks up applications by unique name, 20 to a
// $batch, and returns those that exist by name. The plan uses it for the
// applications it is about to create: a name held by an application the
// workspace does not own is reported before anything changes.
func (p *Provider) ApplicationsByUniqueName(ctx context.Context, names []string) (map[string]*Application, error) {
	out := map[string]*Application{}
	items := make([]lookup, 0, len(names))
	for _, name := range names {
		items = append(items, lookup{
			url: applicationByUniqueNamePath(name),
			handle: func(resp graph.BatchResponse) error {
				if graph.IsNotFound(resp.Err) {
					return nil
				}
				var app Application
				if err := resp.Decode(&app); err != nil {
					return fmt.Errorf("reading application %q: %w", name, err)
				}
				out[name] = &app
				return nil
			},
		})
	}
	if err := p.batchGet(ctx, items); err != nil {
		return nil, err
	}
	return out, nil
}

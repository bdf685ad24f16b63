package cli

import (
	"context"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
)

// checkAfterApply runs the configuration's login checks as the last step
// of an apply.
func (m *Meta) checkAfterApply(ctx context.Context, cfg *config.Config, s *session, r *apply.Result) int {
	m.Errorf("login checks are not wired yet")
	return ExitError
}

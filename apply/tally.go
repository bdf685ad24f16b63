package apply

import "sync/atomic"

// Tally counts an apply's changes as they finish, for a progress display
// that reads it from another goroutine (Options.Tally).
type Tally struct {
	total, applied, failed, skipped atomic.Int64
}

// Counts are a Tally's figures at one moment.
type Counts struct {
	Total, Applied, Failed, Skipped int
}

// Done is how many changes are finished, whatever their outcome.
func (c Counts) Done() int { return c.Applied + c.Failed + c.Skipped }

// Counts reads the tally.
func (t *Tally) Counts() Counts {
	if t == nil {
		return Counts{}
	}
	return Counts{
		Total:   int(t.total.Load()),
		Applied: int(t.applied.Load()),
		Failed:  int(t.failed.Load()),
		Skipped: int(t.skipped.Load()),
	}
}

// count adds one change with its outcome: applied, failed or skipped.
func (t *Tally) count(outcome string) {
	if t == nil {
		return
	}
	switch outcome {
	case "applied":
		t.applied.Add(1)
	case "failed":
		t.failed.Add(1)
	default:
		t.skipped.Add(1)
	}
}

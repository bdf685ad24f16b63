package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Goals of issue 14 (Graph's throttling limits).
const (
	goalApplyOverFloor = 0.15            // apply within 15% of its floor
	goalThrottledShare = 0.02            // 429s under 2% of identity requests
	goalNoOpWall       = 5 * time.Second // no-op plan of the largest size
	goalNoOpFloorTimes = 2               // no-op plan requests within 2x the floor
	goalCPU            = 1500 * time.Millisecond
	goalHeap           = 1 << 30
)

// writeLimits writes, when the tenants had Graph limits, how the applies
// compare with the floor the write quota sets and what the client's
// pacing did, and the no-op plans against their request floor.
func (r *Report) writeLimits(b *strings.Builder) {
	limits := r.GraphLimits
	if limits == "" {
		limits = "off"
	}
	fmt.Fprintf(b, "Graph limits: %s", limits)
	if limits == "documented" {
		size := r.TenantSize
		if size == "" {
			size = "small"
		}
		fmt.Fprintf(b, " (tenant size %s; entraform paces itself by the small tenant's figures)", size)
	}
	b.WriteString(".\n\n")
	var rows [][]string
	for _, n := range r.Sizes {
		for _, run := range []string{RunApply, RunApply1pct} {
			for _, m := range r.find(n, run, ModeBulk) {
				floor, ratio := "-", "-"
				if m.Floor > 0 {
					floor = formatDuration(m.Floor)
					ratio = fmt.Sprintf("%.2f", float64(m.Wall)/float64(m.Floor))
				}
				rows = append(rows, []string{fmt.Sprint(n), run, latencyName(m.Latency), fmt.Sprint(m.Budget.Writes), floor, formatDuration(m.Wall), ratio,
					fmt.Sprint(m.Budget.Requests), fmt.Sprintf("%d (%s)", m.Budget.Throttled, share(m.Budget.Throttled, m.Budget.Requests)),
					fmt.Sprintf("%d (%s)", m.Budget.Waits, formatDuration(m.Budget.Waited))})
			}
		}
	}
	if len(rows) > 0 {
		writeTable(b, []string{"N", "apply", "latency", "identity writes", "floor", "wall", "wall / floor", "identity requests", "429s", "waits for budget (summed over requests)"}, rows)
		b.WriteString("\n")
	}
	rows = nil
	for _, n := range r.Sizes {
		for _, m := range r.find(n, RunPlanNoOp, ModeBulk) {
			cpu := formatDuration(m.CPU)
			if !m.CPUKnown {
				cpu = "n/a"
			}
			rows = append(rows, []string{fmt.Sprint(n), fmt.Sprint(m.Sites), latencyName(m.Latency), fmt.Sprint(m.Requests), fmt.Sprint(m.FloorRequests),
				formatDuration(m.Wall), cpu, formatBytes(m.PeakHeap), fmt.Sprintf("%d of %d", m.Budget.Throttled, m.Budget.Requests)})
		}
	}
	if len(rows) > 0 {
		writeTable(b, []string{"N", "site grants", "latency", "no-op plan requests", "floor (list pages + site batches)", "wall", "CPU parse+diff+render", "peak heap", "429s of identity requests"}, rows)
	}
}

// limitGoals checks the goals of issue 14 against what was measured.
func (r *Report) limitGoals() [][]string {
	verdict := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	var rows [][]string
	top := slices.Max(r.Latencies)
	for _, n := range r.Sizes {
		m, ok := r.at(n, RunApply, ModeBulk, top)
		if !ok {
			continue
		}
		if m.Floor > 0 {
			over := float64(m.Wall)/float64(m.Floor) - 1
			rows = append(rows, []string{fmt.Sprintf("apply of %d new applications within 15%% of the floor", n),
				fmt.Sprintf("%s against %s (%+.1f%%)", formatDuration(m.Wall), formatDuration(m.Floor), over*100), verdict(over <= goalApplyOverFloor)})
		}
		if m.Budget.Requests > 0 {
			s := float64(m.Budget.Throttled) / float64(m.Budget.Requests)
			rows = append(rows, []string{fmt.Sprintf("apply of %d: 429s under 2%% of requests", n),
				fmt.Sprintf("%d of %d (%s)", m.Budget.Throttled, m.Budget.Requests, share(m.Budget.Throttled, m.Budget.Requests)), verdict(s < goalThrottledShare)})
		}
	}
	n := slices.Max(r.Sizes)
	if m, ok := r.at(n, RunPlanNoOp, ModeBulk, top); ok {
		rows = append(rows, []string{fmt.Sprintf("no-op plan of %d + %d site grants under 5 s", n, m.Sites), formatDuration(m.Wall), verdict(m.Wall < goalNoOpWall)})
		if m.FloorRequests > 0 {
			rows = append(rows, []string{"... in at most 2x the floor of requests", fmt.Sprintf("%d against %d", m.Requests, m.FloorRequests), verdict(m.Requests <= goalNoOpFloorTimes*m.FloorRequests)})
		}
		if m.CPUKnown {
			rows = append(rows, []string{fmt.Sprintf("parse+diff+render of %d under 1.5 s CPU", n), formatDuration(m.CPU), verdict(m.CPU < goalCPU)})
		}
		rows = append(rows, []string{"peak heap of that plan under 1 GiB", formatBytes(m.PeakHeap), verdict(m.PeakHeap < goalHeap)})
	}
	return rows
}

func share(part, whole int) string {
	if whole == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(part)/float64(whole))
}

package bench

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// rowOrder is the order of the runs in the table.
var rowOrder = []struct{ run, mode string }{
	{RunPlanCreate, ModeBulk},
	{RunApply, ModeBulk},
	{RunPlanNoOp, ModeBulk},
	{RunPlanNoOp, ModeNaive},
	{RunPlanChange, ModeBulk},
	{RunPlanChange, ModeNaive},
	{RunApply1pct, ModeBulk},
	{RunApplyDirectory, ModeBulk},
	{RunPlanNoOpDirectory, ModeBulk},
}

// WriteMarkdown writes the report as Markdown: the machine, the main
// table, the apply rounds, the targets and where the requests go.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	m := r.Machine
	where := "a child process (`entraform tenant serve`)"
	if r.TenantInProcess {
		where = "the measured process"
	}
	requests := "every request on its own"
	if r.Coalesce {
		window := "the client's default window"
		if r.CoalesceWindow != 0 {
			window = "a window of " + r.CoalesceWindow.String()
		}
		requests = "concurrent requests coalesced into `$batch` (" + window + "; the naive refresh excepted)"
	}
	fmt.Fprintf(&b, "Machine: %s, %d CPUs (GOMAXPROCS %d), %s/%s, %s. Local tenant in %s. Apply parallelism %d, %s. Run took %s.\n\n",
		m.CPU, m.CPUs, m.GOMAXPROCS, m.OS, m.Arch, m.Go, where, r.Parallelism, requests, r.Elapsed.Round(time.Second))
	if m.LoadBefore != "" {
		fmt.Fprintf(&b, "Load average (1 min) %s before the run, %s after.\n\n", m.LoadBefore, m.LoadAfter)
	}
	r.writeMain(&b)
	b.WriteString("\n")
	if len(r.find(slices.Max(r.Sizes), RunApply, ModeBulk)) > 0 && !r.NoOpOnly {
		r.writeRounds(&b)
	}
	if t := r.targets(); len(t) > 0 {
		b.WriteString("\n")
		writeTable(&b, []string{"target (N=1000)", "measured", "met"}, t)
	}
	if r.GraphLimits != "" {
		// Reports saved before Graph limits were modelled have none.
		b.WriteString("\n")
		r.writeLimits(&b)
		if g := r.limitGoals(); len(g) > 0 {
			b.WriteString("\n")
			writeTable(&b, []string{"goal (issue 14)", "measured", "met"}, g)
		}
	}
	b.WriteString("\n")
	r.writeKinds(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeMain(b *strings.Builder) {
	head := []string{"N", "run", "refresh", "requests", "sign-in"}
	for _, l := range r.Latencies {
		head = append(head, "wall "+latencyName(l))
	}
	head = append(head, "CPU parse+diff+render", "peak heap", "rounds")
	var rows [][]string
	for _, n := range r.Sizes {
		for _, o := range rowOrder {
			ms := r.find(n, o.run, o.mode)
			if len(ms) == 0 {
				continue
			}
			mode := o.mode
			if strings.HasPrefix(o.run, "apply") {
				mode = "-"
			}
			row := []string{fmt.Sprint(n), o.run, mode, spread(ms, func(m Measurement) int { return m.Requests }), spread(ms, func(m Measurement) int { return m.SignIn })}
			for _, l := range r.Latencies {
				if x, ok := r.at(n, o.run, o.mode, l); ok {
					row = append(row, formatDuration(x.Wall))
				} else {
					row = append(row, "")
				}
			}
			if strings.HasPrefix(o.run, "plan") {
				cpu := median(ms, func(m Measurement) time.Duration { return m.CPU })
				cpuText := formatDuration(cpu)
				if !ms[0].CPUKnown {
					cpuText = "n/a"
				}
				heap := median(ms, func(m Measurement) uint64 { return m.PeakHeap })
				row = append(row, cpuText, formatBytes(heap), "")
			} else {
				row = append(row, "", "", spread(ms, func(m Measurement) int { return m.Rounds }))
			}
			rows = append(rows, row)
		}
	}
	writeTable(b, head, rows)
}

// writeRounds compares each apply with the rounds the target allows,
// dependency depth x ceil(N / parallelism) waves of requests, and with
// the least any schedule of its changes and of its requests could take.
func (r *Report) writeRounds(b *strings.Builder) {
	top := slices.Max(r.Latencies)
	head := []string{"N", "apply", "changes", "requests", "rounds (depth)", "bound depth x ceil(N/P)", "changes / P", "requests / P"}
	if top > 0 {
		head = append(head, "wall / latency at "+latencyName(top))
	}
	var rows [][]string
	for _, n := range r.Sizes {
		for _, run := range []string{RunApply, RunApply1pct} {
			m, ok := r.at(n, run, ModeBulk, top)
			if !ok {
				continue
			}
			row := []string{fmt.Sprint(n), run, fmt.Sprint(m.Changes), fmt.Sprint(m.Requests), fmt.Sprint(m.Rounds),
				fmt.Sprint(m.Rounds * ceilDiv(n, r.Parallelism)), fmt.Sprint(ceilDiv(m.Changes, r.Parallelism)), fmt.Sprint(ceilDiv(m.Requests, r.Parallelism))}
			if top > 0 {
				row = append(row, fmt.Sprintf("%.0f", float64(m.Wall)/float64(top)))
			}
			rows = append(rows, row)
		}
	}
	writeTable(b, head, rows)
}

// targets checks the targets against the N=1000 runs.
func (r *Report) targets() [][]string {
	const n = 1000
	var rows [][]string
	verdict := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "**no**"
	}
	noop := r.find(n, RunPlanNoOp, ModeBulk)
	if len(noop) == 0 {
		return nil
	}
	req := noop[len(noop)-1].Requests
	rows = append(rows, []string{"no-op plan in about 100 requests", fmt.Sprintf("%d requests (+%d sign-in)", req, noop[len(noop)-1].SignIn), verdict(req <= 110)})
	if m, ok := r.at(n, RunPlanNoOp, ModeBulk, 50*time.Millisecond); ok {
		rows = append(rows, []string{"no-op plan under 3 s at 50 ms", formatDuration(m.Wall), verdict(m.Wall < 3*time.Second)})
	}
	if naive := r.find(n, RunPlanNoOp, ModeNaive); len(naive) > 0 && req > 0 {
		ratio := float64(naive[len(naive)-1].Requests) / float64(req)
		rows = append(rows, []string{"20x fewer requests than naive", fmt.Sprintf("%.0fx (%d vs %d)", ratio, req, naive[len(naive)-1].Requests), verdict(ratio >= 20)})
	}
	for _, run := range []string{RunPlanNoOp, RunPlanChange, RunPlanCreate} {
		if ms := r.find(n, run, ModeBulk); len(ms) > 0 && ms[0].CPUKnown {
			cpu := median(ms, func(m Measurement) time.Duration { return m.CPU })
			rows = append(rows, []string{"parse+diff+render under 200 ms CPU (" + run + ")", formatDuration(cpu), verdict(cpu < 200*time.Millisecond)})
		}
	}
	if top := slices.Max(r.Latencies); top > 0 {
		if m, ok := r.at(n, RunApply, ModeBulk, top); ok {
			bound := m.Rounds * ceilDiv(n, r.Parallelism)
			waves := float64(m.Wall) / float64(top)
			rows = append(rows, []string{fmt.Sprintf("apply within depth x N/P = %d rounds of latency", bound),
				fmt.Sprintf("%.0f rounds (%s at %s)", waves, formatDuration(m.Wall), latencyName(top)), verdict(waves <= float64(bound))})
		}
	}
	return rows
}

// writeKinds lists where the requests of the largest size go.
func (r *Report) writeKinds(b *strings.Builder) {
	n := slices.Max(r.Sizes)
	top := slices.Max(r.Latencies)
	var rows [][]string
	for _, o := range rowOrder {
		m, ok := r.at(n, o.run, o.mode, top)
		if !ok {
			continue
		}
		kinds := make([]string, 0, len(m.ByKind))
		for k := range m.ByKind {
			kinds = append(kinds, k)
		}
		slices.SortFunc(kinds, func(a, b string) int {
			return cmp.Or(cmp.Compare(m.ByKind[b], m.ByKind[a]), cmp.Compare(a, b))
		})
		var parts []string
		for i, k := range kinds {
			if i == 4 {
				parts = append(parts, fmt.Sprintf("%d other", m.Requests-sumKinds(m.ByKind, kinds[:4])))
				break
			}
			parts = append(parts, fmt.Sprintf("%d `%s`", m.ByKind[k], k))
		}
		mode := o.mode
		if strings.HasPrefix(o.run, "apply") {
			mode = "-"
		}
		phases := ""
		if strings.HasPrefix(o.run, "plan") {
			phases = fmt.Sprintf("load %s, refresh %s, diff %s, render %s",
				formatDuration(m.Phases.Load), formatDuration(m.Phases.Refresh), formatDuration(m.Phases.Build), formatDuration(m.Phases.Render))
		}
		rows = append(rows, []string{o.run, mode, strings.Join(parts, ", "), phases})
	}
	fmt.Fprintf(b, "Requests and phases of N=%d at %s:\n\n", n, latencyName(top))
	writeTable(b, []string{"run", "refresh", "requests by kind", "phases (wall)"}, rows)
}

func sumKinds(m map[string]int, kinds []string) int {
	s := 0
	for _, k := range kinds {
		s += m[k]
	}
	return s
}

// writeTable writes a Markdown table with aligned columns.
func writeTable(b *strings.Builder, head []string, rows [][]string) {
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len([]rune(h))
	}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	line := func(cells []string) {
		b.WriteString("|")
		for i := range head {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			fmt.Fprintf(b, " %s%s |", c, strings.Repeat(" ", width[i]-len([]rune(c))))
		}
		b.WriteString("\n")
	}
	line(head)
	b.WriteString("|")
	for i := range head {
		b.WriteString(strings.Repeat("-", width[i]+2) + "|")
	}
	b.WriteString("\n")
	for _, row := range rows {
		line(row)
	}
}

// spread shows a count that should be the same at every latency: the
// value, or "min-max" when the runs differ.
func spread(ms []Measurement, f func(Measurement) int) string {
	lo, hi := f(ms[0]), f(ms[0])
	for _, m := range ms[1:] {
		lo, hi = min(lo, f(m)), max(hi, f(m))
	}
	if lo == hi {
		return fmt.Sprint(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

func median[T cmp.Ordered](ms []Measurement, f func(Measurement) T) T {
	vals := make([]T, len(ms))
	for i, m := range ms {
		vals[i] = f(m)
	}
	slices.Sort(vals)
	return vals[len(vals)/2]
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func formatDuration(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

func formatBytes(n uint64) string {
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// ReadReport reads a report written as JSON (entraform bench -json), to
// render it again.
func ReadReport(r io.Reader) (*Report, error) {
	var rep Report
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("reading a benchmark report: %w", err)
	}
	if len(rep.Sizes) == 0 || len(rep.Latencies) == 0 {
		return nil, fmt.Errorf("reading a benchmark report: no sizes or latencies")
	}
	return &rep, nil
}

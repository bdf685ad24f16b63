package cli

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/entraform/entraform/config"
	"github.com/entraform/entraform/plan"
	"github.com/entraform/entraform/plan/planfile"
	"github.com/entraform/entraform/policy"
)

// policyFlags are the policy review's flags of validate and plan.
type policyFlags struct {
	dirs     stringList
	severity string
}

func (p *policyFlags) register(fs *flag.FlagSet) {
	fs.Var(&p.dirs, "policy", "also apply the policy blocks of every *.hcl file in DIR (repeatable)")
	fs.StringVar(&p.severity, "policy-severity", "error", "policy findings of this severity or above fail the command: error, warning or none")
}

// review is the outcome of the policy review.
type review struct {
	result    *policy.Result
	threshold policy.Severity
	// diags are the review's own diagnostics (broken policies, unknown
	// rules in ignore blocks) followed by the findings that count.
	diags hcl.Diagnostics
	// files holds the configuration's and the policy files' sources.
	files map[string]*hcl.File
}

// reviewPolicy runs the policy review on a loaded configuration (and, at
// plan time, the snapshot and plan). ok is false when the flags are wrong;
// the error is printed.
func (m *Meta) reviewPolicy(cfg *config.Config, pf policyFlags, snap *plan.Snapshot, p *plan.Plan) (*review, bool) {
	threshold, err := policy.ParseSeverity(pf.severity)
	if err != nil {
		m.Errorf("-policy-severity: %v", err)
		return nil, false
	}
	r := &review{threshold: threshold, files: maps.Clone(cfg.Files)}
	if r.files == nil {
		r.files = map[string]*hcl.File{}
	}
	var extra []*config.Policy
	for _, dir := range pf.dirs {
		ps, files, diags := config.LoadPolicyDir(m.Dir, dir)
		maps.Copy(r.files, files)
		r.diags = append(r.diags, diags...)
		extra = append(extra, ps...)
	}
	if r.diags.HasErrors() {
		return r, true
	}
	res, diags := policy.Evaluate(policy.Input{Config: cfg, Policies: extra, Snapshot: snap, Plan: p})
	r.result = res
	r.diags = append(r.diags, diags...)
	r.diags = append(r.diags, res.Diagnostics(threshold)...)
	return r, true
}

// showWithAnnotations prints diagnostics on stderr and, in GitHub Actions
// (GITHUB_ACTIONS=true), one workflow command per diagnostic after them,
// which GitHub shows as an annotation on the line of the pull request.
func (m *Meta) showWithAnnotations(files map[string]*hcl.File, diags hcl.Diagnostics) {
	m.showDiagnostics(files, diags)
	if m.Getenv("GITHUB_ACTIONS") == "true" {
		writeAnnotations(m.Stderr, m.annotationPath, diags)
	}
}

// annotationPath names a file of a range the way GitHub wants it: relative
// to the repository root (GITHUB_WORKSPACE), from the command's directory.
func (m *Meta) annotationPath(name string) string {
	abs := name
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(m.Dir, name)
	}
	if ws := m.Getenv("GITHUB_WORKSPACE"); ws != "" {
		if rel, err := filepath.Rel(ws, abs); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(name)
}

// writeAnnotations writes GitHub workflow commands for diagnostics:
//
//	::error file=main.entra.hcl,line=5,endLine=5,col=26,endColumn=42,title=...::message
func writeAnnotations(w io.Writer, path func(string) string, diags hcl.Diagnostics) {
	for _, d := range diags {
		cmd := "error"
		if d.Severity == hcl.DiagWarning {
			cmd = "warning"
		}
		var props []string
		if r := d.Subject; r != nil && r.Filename != "" {
			props = append(props,
				"file="+escapeProperty(path(r.Filename)),
				fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("endLine=%d", r.End.Line))
			if r.Start.Line == r.End.Line {
				props = append(props, fmt.Sprintf("col=%d", r.Start.Column), fmt.Sprintf("endColumn=%d", r.End.Column))
			}
		}
		props = append(props, "title="+escapeProperty("entraform: "+d.Summary))
		msg := d.Summary
		if d.Detail != "" {
			msg += "\n" + d.Detail
		}
		fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(msg))
	}
}

// escapeData and escapeProperty escape a workflow command's message and
// properties as GitHub's toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// jsonFindings converts findings for validate -json and plan -json; never
// nil.
func jsonFindings(r *review) []planfile.Finding {
	out := []planfile.Finding{}
	if r == nil || r.result == nil {
		return out
	}
	conv := func(f policy.Finding) planfile.Finding {
		jf := planfile.Finding{Rule: f.Rule, Severity: f.Severity.String(), Address: f.Address,
			Summary: f.Summary, Detail: f.Detail, Fix: f.Fix, Ignored: f.IgnoredBy}
		if f.Range.Filename != "" {
			jf.Range = &planfile.Range{
				Filename: f.Range.Filename,
				Start:    planfile.Pos{Line: f.Range.Start.Line, Column: f.Range.Start.Column, Byte: f.Range.Start.Byte},
				End:      planfile.Pos{Line: f.Range.End.Line, Column: f.Range.End.Column, Byte: f.Range.End.Byte},
			}
		}
		return jf
	}
	for _, f := range r.result.Findings {
		out = append(out, conv(f))
	}
	for _, f := range r.result.Ignored {
		out = append(out, conv(f))
	}
	return out
}

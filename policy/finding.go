package policy

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Severity is how serious a finding is.
type Severity int

// Severities, least serious first. None is only a threshold: nothing
// fails.
const (
	None Severity = iota
	Warning
	Error
)

// String returns "warning", "error" or "none".
func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity reads "error", "warning" or "none" (the -policy-severity
// values).
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "none":
		return None, nil
	}
	return None, fmt.Errorf("%q is not a policy severity: use error, warning or none", s)
}

// Finding is one rule's verdict on one object.
type Finding struct {
	// Rule is the rule id: a built-in id such as "delegated-on-app-only",
	// or the name of a policy block.
	Rule     string
	Severity Severity
	// Address is the object's address (application.x,
	// application.x.secret.web, site.hr.grant.reader, ...).
	Address string
	// Range is the offending attribute (or block) in the source.
	Range hcl.Range
	// Summary is one line; Detail says why.
	Summary string
	Detail  string
	// Fix says what to change, often with the exact HCL; "" when the
	// rule has nothing to suggest beyond the detail.
	Fix string
	// IgnoredBy is the reason of the ignore block that silences this
	// finding; "" when it counts.
	IgnoredBy string
}

// Diagnostic renders the finding for the diagnostics printers: the
// summary carries the rule id in brackets, the detail ends with the fix.
func (f Finding) Diagnostic() *hcl.Diagnostic {
	sev := hcl.DiagError
	if f.Severity != Error {
		sev = hcl.DiagWarning
	}
	detail := f.Detail
	if f.Fix != "" {
		detail += "\nFix: " + f.Fix
	}
	d := &hcl.Diagnostic{
		Severity: sev,
		Summary:  fmt.Sprintf("%s [%s]", f.Summary, f.Rule),
		Detail:   detail,
	}
	if f.Range.Filename != "" {
		r := f.Range
		d.Subject = &r
	}
	return d
}

// Result is what Evaluate found.
type Result struct {
	// Findings that count, sorted by file position, then rule.
	Findings []Finding
	// Ignored are the findings an ignore block silenced, with its reason.
	Ignored []Finding
}

// Fails reports whether a finding at or above threshold counts: with
// threshold Error only errors fail, with Warning warnings too, with None
// nothing does.
func (r *Result) Fails(threshold Severity) bool {
	if threshold == None {
		return false
	}
	for _, f := range r.Findings {
		if f.Severity >= threshold {
			return true
		}
	}
	return false
}

// Diagnostics returns the findings that count as diagnostics. A finding
// below the failing threshold is a warning, whatever its severity, so that
// the printed label agrees with the exit code.
func (r *Result) Diagnostics(threshold Severity) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(r.Findings))
	for _, f := range r.Findings {
		d := f.Diagnostic()
		if threshold == None || f.Severity < threshold {
			d.Severity = hcl.DiagWarning
		} else {
			d.Severity = hcl.DiagError
		}
		out = append(out, d)
	}
	return out
}

// Counts returns the number of error and warning findings that count.
func (r *Result) Counts() (errs, warns int) {
	for _, f := range r.Findings {
		if f.Severity == Error {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

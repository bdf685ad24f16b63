package cigithub_test

import (
	"fmt"
	"regexp"
	"strings"
)

// The subset of GitHub Actions expressions the workflow uses: context
// values (github.event_name, vars.NAME), 'string' literals, == and != (on
// strings, ignoring case, as GitHub compares them), &&, || and
// parentheses. Anything else is an error, so the test notices when the
// workflow grows beyond what it can play.

// evalCondition evaluates a job's or step's if: ("" is true).
func evalCondition(expr string, ctx map[string]string) (bool, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return true, nil
	}
	if inner, ok := strings.CutPrefix(expr, "${{"); ok {
		expr = strings.TrimSuffix(strings.TrimSpace(inner), "}}")
	}
	v, err := evalExpr(expr, ctx)
	if err != nil {
		return false, err
	}
	return truthy(v), nil
}

var placeholder = regexp.MustCompile(`\$\{\{(.*?)\}\}`)

// substitute replaces every ${{ expr }} in s with its value.
func substitute(s string, ctx map[string]string) (string, error) {
	var firstErr error
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, err := evalExpr(placeholder.FindStringSubmatch(m)[1], ctx)
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("%s: %w", m, err)
		}
		return v
	})
	return out, firstErr
}

func truthy(v string) bool { return v != "" && v != "false" && v != "0" }

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

type exprParser struct {
	toks []string
	pos  int
	ctx  map[string]string
}

var exprToken = regexp.MustCompile(`\s*('[^']*'|==|!=|&&|\|\||\(|\)|[A-Za-z_][A-Za-z0-9_.-]*|\S)`)

func evalExpr(expr string, ctx map[string]string) (string, error) {
	p := &exprParser{ctx: ctx}
	rest := expr
	for strings.TrimSpace(rest) != "" {
		m := exprToken.FindStringSubmatchIndex(rest)
		if m == nil {
			return "", fmt.Errorf("cannot read %q", rest)
		}
		p.toks = append(p.toks, rest[m[2]:m[3]])
		rest = rest[m[1]:]
	}
	v, err := p.or()
	if err != nil {
		return "", err
	}
	if p.pos != len(p.toks) {
		return "", fmt.Errorf("unexpected %q in %q", p.toks[p.pos], expr)
	}
	return v, nil
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *exprParser) or() (string, error) {
	v, err := p.and()
	for err == nil && p.peek() == "||" {
		p.pos++
		var r string
		r, err = p.and()
		v = boolString(truthy(v) || truthy(r))
	}
	return v, err
}

func (p *exprParser) and() (string, error) {
	v, err := p.compare()
	for err == nil && p.peek() == "&&" {
		p.pos++
		var r string
		r, err = p.compare()
		v = boolString(truthy(v) && truthy(r))
	}
	return v, err
}

func (p *exprParser) compare() (string, error) {
	l, err := p.primary()
	if err != nil {
		return "", err
	}
	switch op := p.peek(); op {
	case "==", "!=":
		p.pos++
		r, err := p.primary()
		if err != nil {
			return "", err
		}
		return boolString(strings.EqualFold(l, r) == (op == "==")), nil
	}
	return l, nil
}

func (p *exprParser) primary() (string, error) {
	tok := p.peek()
	p.pos++
	switch {
	case tok == "":
		return "", fmt.Errorf("unexpected end of expression")
	case tok == "(":
		v, err := p.or()
		if err != nil {
			return "", err
		}
		if p.peek() != ")" {
			return "", fmt.Errorf("missing )")
		}
		p.pos++
		return v, nil
	case strings.HasPrefix(tok, "'"):
		if len(tok) < 2 || !strings.HasSuffix(tok, "'") {
			return "", fmt.Errorf("unterminated string %s", tok)
		}
		return tok[1 : len(tok)-1], nil
	case regexp.MustCompile(`^[A-Za-z_]`).MatchString(tok):
		v, ok := p.ctx[tok]
		if !ok {
			return "", fmt.Errorf("unknown context value %s", tok)
		}
		return v, nil
	}
	return "", fmt.Errorf("unexpected %q", tok)
}

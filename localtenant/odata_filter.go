package localtenant

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// The $filter subset of Graph's directory objects: comparisons (eq, ne,
// and for numbers and dates gt, ge, lt, le), startswith/endswith,
// `in (...)`, lambdas on collections (`tags/any(t:t eq 'x')`,
// `tags/all(...)`), `and`, `or`, `not` and parentheses. String equality
// is case-insensitive, as it is in the directory. Evaluation runs on an
// object's wire JSON (toMap), so every resource shares it; each list
// names the properties it allows (filterSchema).

// filterSchema is what a list may filter on (and expand).
type filterSchema struct {
	Type   string   // "Application": named in errors as Graph names it
	Props  []string // top-level properties that may be filtered on
	Expand []string // navigation properties $expand may name
	Search bool     // $search is evaluated (directory objects)
}

// filterExpr is a parsed $filter.
type filterExpr interface {
	eval(env filterEnv) bool
}

// filterEnv is the object being tested plus lambda variables.
type filterEnv struct {
	obj  map[string]any
	vars map[string]any
}

func (e filterEnv) with(name string, v any) filterEnv {
	vars := make(map[string]any, len(e.vars)+1)
	for k, x := range e.vars {
		vars[k] = x
	}
	vars[name] = v
	return filterEnv{obj: e.obj, vars: vars}
}

type (
	andExpr struct{ l, r filterExpr }
	orExpr  struct{ l, r filterExpr }
	notExpr struct{ x filterExpr }
	cmpExpr struct {
		op   string // eq ne gt ge lt le
		path []string
		lit  any // string, float64, bool or nil
	}
	inExpr struct {
		path []string
		lits []any
	}
	funcExpr struct {
		name string // startswith, endswith
		path []string
		arg  string
	}
	lambdaExpr struct {
		path []string
		all  bool
		v    string
		body filterExpr
	}
)

func (x andExpr) eval(e filterEnv) bool { return x.l.eval(e) && x.r.eval(e) }
func (x orExpr) eval(e filterEnv) bool  { return x.l.eval(e) || x.r.eval(e) }
func (x notExpr) eval(e filterEnv) bool { return !x.x.eval(e) }

func (x cmpExpr) eval(e filterEnv) bool {
	v := e.resolve(x.path)
	switch x.op {
	case "eq":
		return equalValues(v, x.lit)
	case "ne":
		return !equalValues(v, x.lit)
	}
	c, ok := compareValues(v, x.lit)
	if !ok {
		return false
	}
	switch x.op {
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func (x inExpr) eval(e filterEnv) bool {
	v := e.resolve(x.path)
	for _, l := range x.lits {
		if equalValues(v, l) {
			return true
		}
	}
	return false
}

func (x funcExpr) eval(e filterEnv) bool {
	s, ok := e.resolve(x.path).(string)
	if !ok {
		return false
	}
	s, arg := strings.ToLower(s), strings.ToLower(x.arg)
	if x.name == "startswith" {
		return strings.HasPrefix(s, arg)
	}
	return strings.HasSuffix(s, arg)
}

func (x lambdaExpr) eval(e filterEnv) bool {
	items, _ := e.resolve(x.path).([]any)
	if x.all {
		for _, it := range items {
			if !x.body.eval(e.with(x.v, it)) {
				return false
			}
		}
		return true
	}
	for _, it := range items {
		if x.body.eval(e.with(x.v, it)) {
			return true
		}
	}
	return false
}

// resolve walks a property path from the object or a lambda variable.
func (e filterEnv) resolve(path []string) any {
	var cur any = e.obj
	start := 0
	if v, ok := e.vars[path[0]]; ok {
		cur, start = v, 1
	}
	for _, p := range path[start:] {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = lookupFold(m, p)
	}
	return cur
}

// lookupFold reads a member by name, ignoring case as OData does.
func lookupFold(m map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func equalValues(v, lit any) bool {
	switch l := lit.(type) {
	case nil:
		return v == nil
	case string:
		s, ok := v.(string)
		return ok && strings.EqualFold(s, l)
	case bool:
		b, ok := v.(bool)
		return ok && b == l
	case float64:
		f, ok := v.(float64)
		return ok && f == l
	}
	return false
}

// compareValues orders numbers, and strings (dates in ISO 8601 order
// correctly as strings).
func compareValues(v, lit any) (int, bool) {
	switch l := lit.(type) {
	case float64:
		f, ok := v.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case f < l:
			return -1, true
		case f > l:
			return 1, true
		}
		return 0, true
	case string:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(s, l), true
	}
	return 0, false
}

// filterToken is a lexical token of $filter.
type filterToken struct {
	kind string // ident, string, number, punct, eof
	text string
	pos  int
}

func lexFilter(src string) ([]filterToken, error) {
	var toks []filterToken
	i := 0
	for i < len(src) {
		c := rune(src[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(src) {
					return nil, fmt.Errorf("unterminated string literal at position %d", i)
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(src[j])
				j++
			}
			toks = append(toks, filterToken{"string", b.String(), i})
			i = j + 1
		case c == '(' || c == ')' || c == ',' || c == ':':
			toks = append(toks, filterToken{"punct", string(c), i})
			i++
		case c == '-' || c == '.' || unicode.IsDigit(c) || unicode.IsLetter(c) || c == '_' || c == '$' || c == '@':
			j := i
			for j < len(src) {
				d := rune(src[j])
				if unicode.IsLetter(d) || unicode.IsDigit(d) || d == '_' || d == '.' || d == '/' || d == '-' || d == '$' || d == '@' {
					j++
					continue
				}
				break
			}
			text := src[i:j]
			kind := "ident"
			if _, err := strconv.ParseFloat(text, 64); err == nil {
				kind = "number"
			}
			toks = append(toks, filterToken{kind, text, i})
			i = j
		default:
			return nil, fmt.Errorf("unexpected character %q at position %d", c, i)
		}
	}
	return append(toks, filterToken{"eof", "", len(src)}), nil
}

// filterParser is a recursive-descent parser over the tokens.
type filterParser struct {
	toks   []filterToken
	i      int
	schema filterSchema
	vars   []string
	// advanced is set when the filter uses an operator Graph only
	// evaluates as an advanced query (ne, not, endswith).
	advanced string
}

// parseFilter parses src against the schema. Syntax errors and
// properties the schema does not allow are *apiError 400
// Request_UnsupportedQuery; ops reports the advanced-query operator
// used, if any.
func parseFilter(src string, schema filterSchema) (filterExpr, string, *apiError) {
	toks, err := lexFilter(src)
	if err != nil {
		return nil, "", unsupportedQuery("Invalid filter clause: %v.", err)
	}
	p := &filterParser{toks: toks, schema: schema}
	x, aerr := p.parseOr()
	if aerr != nil {
		return nil, "", aerr
	}
	if p.peek().kind != "eof" {
		return nil, "", unsupportedQuery("Invalid filter clause: unexpected '%s' at position %d.", p.peek().text, p.peek().pos)
	}
	return x, p.advanced, nil
}

func (p *filterParser) peek() filterToken { return p.toks[p.i] }

func (p *filterParser) next() filterToken {
	t := p.toks[p.i]
	if t.kind != "eof" {
		p.i++
	}
	return t
}

func (p *filterParser) isWord(w string) bool {
	t := p.peek()
	return t.kind == "ident" && strings.EqualFold(t.text, w)
}

func (p *filterParser) expect(punct string) *apiError {
	t := p.next()
	if t.kind != "punct" || t.text != punct {
		return p.syntax(t, "expected '"+punct+"'")
	}
	return nil
}

func (p *filterParser) syntax(t filterToken, what string) *apiError {
	if t.kind == "eof" {
		return unsupportedQuery("Invalid filter clause: %s at the end of the clause.", what)
	}
	return unsupportedQuery("Invalid filter clause: %s, found '%s' at position %d.", what, t.text, t.pos)
}

func (p *filterParser) parseOr() (filterExpr, *apiError) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.isWord("or") {
		p.next()
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orExpr{l, r}
	}
	return l, nil
}

func (p *filterParser) parseAnd() (filterExpr, *apiError) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for p.isWord("and") {
		p.next()
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = andExpr{l, r}
	}
	return l, nil
}

func (p *filterParser) parseUnary() (filterExpr, *apiError) {
	if p.isWord("not") {
		p.next()
		p.advanced = "not"
		x, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	}
	return p.parsePrimary()
}

func (p *filterParser) parsePrimary() (filterExpr, *apiError) {
	t := p.peek()
	if t.kind == "punct" && t.text == "(" {
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return x, nil
	}
	if t.kind != "ident" {
		return nil, p.syntax(t, "expected a property or function")
	}
	p.next()
	name := strings.ToLower(t.text)
	if (name == "startswith" || name == "endswith") && p.peek().text == "(" {
		return p.parseFunc(name)
	}
	segs := strings.Split(t.text, "/")
	if last := strings.ToLower(segs[len(segs)-1]); (last == "any" || last == "all") && len(segs) > 1 && p.peek().text == "(" {
		return p.parseLambda(segs[:len(segs)-1], last == "all")
	}
	path, err := p.checkPath(t, segs)
	if err != nil {
		return nil, err
	}
	op := p.next()
	if op.kind != "ident" {
		return nil, p.syntax(op, "expected an operator")
	}
	switch o := strings.ToLower(op.text); o {
	case "eq", "ne", "gt", "ge", "lt", "le":
		if o == "ne" {
			p.advanced = "ne"
		}
		lit, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		return cmpExpr{op: o, path: path, lit: lit}, nil
	case "in":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		var lits []any
		for {
			lit, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			lits = append(lits, lit)
			if p.peek().text == "," {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return inExpr{path: path, lits: lits}, nil
	}
	return nil, unsupportedQuery("Invalid filter clause: operator '%s' is not supported.", op.text)
}

func (p *filterParser) parseFunc(name string) (filterExpr, *apiError) {
	p.next() // (
	t := p.next()
	if t.kind != "ident" {
		return nil, p.syntax(t, "expected a property")
	}
	path, err := p.checkPath(t, strings.Split(t.text, "/"))
	if err != nil {
		return nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	a := p.next()
	if a.kind != "string" {
		return nil, p.syntax(a, "expected a string literal")
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if name == "endswith" {
		p.advanced = "endsWith"
	}
	return funcExpr{name: name, path: path, arg: a.text}, nil
}

func (p *filterParser) parseLambda(segs []string, all bool) (filterExpr, *apiError) {
	path, err := p.checkPath(p.toks[p.i-1], segs)
	if err != nil {
		return nil, err
	}
	p.next() // (
	v := p.next()
	if v.kind != "ident" || strings.Contains(v.text, "/") {
		return nil, p.syntax(v, "expected a lambda variable")
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	p.vars = append(p.vars, v.text)
	body, err := p.parseOr()
	p.vars = p.vars[:len(p.vars)-1]
	if err != nil {
		return nil, err
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	return lambdaExpr{path: path, all: all, v: v.text, body: body}, nil
}

// checkPath accepts a path that starts at a lambda variable or at a
// property the schema allows.
func (p *filterParser) checkPath(t filterToken, segs []string) ([]string, *apiError) {
	for _, s := range segs {
		if s == "" {
			return nil, p.syntax(t, "expected a property")
		}
	}
	for _, v := range p.vars {
		if segs[0] == v {
			return segs, nil
		}
	}
	for _, prop := range p.schema.Props {
		if strings.EqualFold(prop, segs[0]) {
			segs[0] = prop
			return segs, nil
		}
	}
	return nil, unsupportedQuery("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", segs[0], p.schema.Type)
}

func (p *filterParser) parseLiteral() (any, *apiError) {
	t := p.next()
	switch t.kind {
	case "string":
		return t.text, nil
	case "number":
		if strings.Count(t.text, "-") >= 4 { // a bare GUID that happens to parse
			return t.text, nil
		}
		f, _ := strconv.ParseFloat(t.text, 64)
		return f, nil
	case "ident":
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if looksLikeGUID(t.text) {
			return t.text, nil
		}
	}
	return nil, p.syntax(t, "expected a literal")
}

// looksLikeGUID reports whether s is shaped 8-4-4-4-12 hex.
func looksLikeGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

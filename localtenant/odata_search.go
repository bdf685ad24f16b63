package localtenant

import (
	"strings"
	"unicode"
)

// $search on directory objects: one or more clauses "property:term" in
// double quotes, joined by AND or OR (AND binds tighter), on string
// properties of the list's filter schema. It is an advanced query: Graph
// refuses it without ConsistencyLevel: eventual. A clause matches when
// every word of the term starts a word of the property's value (words
// split at spaces, punctuation and lower-to-upper case changes), as
// Graph's tokenized search does.

// searchClause is one "property:term".
type searchClause struct {
	prop  string
	terms []string
}

// searchOr is clauses joined by OR, each an AND of clauses.
type searchOr [][]searchClause

func (s searchOr) eval(e filterEnv) bool {
	for _, and := range s {
		ok := true
		for _, c := range and {
			ok = ok && c.matches(e.obj)
		}
		if ok {
			return true
		}
	}
	return false
}

func (c searchClause) matches(obj map[string]any) bool {
	v, _ := obj[c.prop].(string)
	words := searchWords(v)
	for _, t := range c.terms {
		found := false
		for _, w := range words {
			found = found || strings.HasPrefix(w, t)
		}
		if !found {
			return false
		}
	}
	return true
}

// searchWords splits text into lower-cased words at spaces, punctuation
// and lower-to-upper case changes ("myApp-v2" is my, app, v2).
func searchWords(text string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range text {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

// parseSearch reads a $search value against the list's schema.
func parseSearch(v string, schema filterSchema) (filterExpr, *apiError) {
	var or searchOr
	var and []searchClause
	rest := strings.TrimSpace(v)
	expectClause := true
	for rest != "" {
		if expectClause {
			if !strings.HasPrefix(rest, `"`) {
				return nil, badRequest("Syntax error: a $search clause must be in double quotes, as in $search=\"displayName:term\".")
			}
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return nil, badRequest("Syntax error: unterminated quote in $search.")
			}
			clause := rest[1 : end+1]
			rest = strings.TrimSpace(rest[end+2:])
			prop, term, ok := strings.Cut(clause, ":")
			if !ok {
				return nil, badRequest("Syntax error: a $search clause names a property, as in \"displayName:%s\".", clause)
			}
			name, known := filterProp(schema, strings.TrimSpace(prop))
			if !known {
				return nil, badRequest("Property '%s' is not supported in $search on %s.", prop, schema.Type)
			}
			and = append(and, searchClause{prop: name, terms: searchWords(term)})
			expectClause = false
			continue
		}
		word, after, _ := strings.Cut(rest, " ")
		switch strings.ToUpper(word) {
		case "AND":
		case "OR":
			or = append(or, and)
			and = nil
		default:
			return nil, badRequest("Syntax error: expected AND or OR in $search at '%s'.", rest)
		}
		rest = strings.TrimSpace(after)
		expectClause = true
	}
	if expectClause {
		return nil, badRequest("Syntax error: $search ends without a clause.")
	}
	return append(or, and), nil
}

// filterProp finds a property of a filter schema ignoring case and
// returns it as the schema spells it.
func filterProp(schema filterSchema, name string) (string, bool) {
	for _, p := range schema.Props {
		if strings.EqualFold(p, name) {
			return p, true
		}
	}
	return "", false
}

package redact

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriterRedactsAcrossWrites(t *testing.T) {
	s := &Set{}
	s.Add("TOPSECRET", "abc", "SECRET-LONGER-ONE")
	tests := []struct {
		name   string
		writes []string
		want   string
	}{
		{"whole value", []string{"a TOPSECRET b\n"}, "a (sensitive value) b\n"},
		{"split across writes", []string{"x TOPS", "ECRET y\n"}, "x (sensitive value) y\n"},
		{"split into bytes", strings.Split("<TOPSECRET>", ""), "<(sensitive value)>"},
		{"longest value first", []string{"SECRET-LONGER-ONE"}, "(sensitive value)"},
		{"a prefix that never completes is written at flush", []string{"ends with TOPS"}, "ends with TOPS"},
		{"short values are left alone", []string{"abc abc"}, "abc abc"},
		{"twice in one write", []string{"TOPSECRET/TOPSECRET"}, "(sensitive value)/(sensitive value)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			w := s.Writer(&b)
			for _, p := range tt.writes {
				if n, err := w.Write([]byte(p)); err != nil || n != len(p) {
					t.Fatalf("Write(%q) = %d, %v", p, n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestValueAddedLaterAndRaw(t *testing.T) {
	s := &Set{}
	var b strings.Builder
	w := s.Writer(&b)
	w.Write([]byte("before: NEWSECRET\n"))
	s.Add("NEWSECRET")
	w.Write([]byte("after: NEWSECRET\n"))
	w.Raw().Write([]byte("asked for: NEWSECRET\n"))
	w.Flush()
	want := "before: NEWSECRET\nafter: (sensitive value)\nasked for: NEWSECRET\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var nilSet *Set
	if got := nilSet.String("x NEWSECRET"); got != "x NEWSECRET" {
		t.Errorf("nil set: %q", got)
	}
}

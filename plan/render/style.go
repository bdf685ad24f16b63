package render

// style wraps text in ANSI colours when enabled.
type style struct{ color bool }

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

func (s style) wrap(code, text string) string {
	if !s.color || text == "" {
		return text
	}
	return code + text + ansiReset
}

func (s style) bold(t string) string   { return s.wrap(ansiBold, t) }
func (s style) green(t string) string  { return s.wrap(ansiGreen, t) }
func (s style) red(t string) string    { return s.wrap(ansiRed, t) }
func (s style) yellow(t string) string { return s.wrap(ansiYellow, t) }
func (s style) cyan(t string) string   { return s.wrap(ansiCyan, t) }

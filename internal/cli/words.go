package cli

import "fmt"

// count writes n with the singular or plural noun: "1 application",
// "3 applications".
func count(n int, singular, plural string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, singular)
	}
	return fmt.Sprintf("%d %s", n, plural)
}

// Package examples holds the runnable example configurations and embeds
// them, so that `entraform demo` works from an installed binary too.
package examples

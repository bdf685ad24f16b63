// Package levenshtein measures how far apart two names are, for the
// "did you mean" suggestions of config (references) and config/catalog
// (permission names).
package levenshtein

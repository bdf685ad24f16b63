// Package redact removes secret values from text on its way out of the
// process. A Set holds the values (sensitive variables' values, secrets a
// run creates or reads); its Writer replaces each occurrence of any of
// them with "(sensitive value)" in a stream, holding back only the bytes
// at the end of a write that could be the start of a value split across
// writes.
//
// It complements the redaction by name (Authorization headers, secretText
// fields, sensitive attributes in plans): a value that reaches text by
// any other path, such as a sensitive variable interpolated into a check
// URL or an error message, is still replaced. Values derived from a
// secret (upper(var.x), base64encode(var.x)) are not recognized.
package redact

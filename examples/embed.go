package examples

import "embed"

// FS holds every example directory: quickstart, flask-delegated,
// site-reader, ci-github and web-api, with their configuration files and
// READMEs.
//
//go:embed */*.entra.hcl */README.md
var FS embed.FS

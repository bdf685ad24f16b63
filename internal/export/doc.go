// Package export writes configuration for app registrations that already
// exist in a tenant, most often made by hand in the portal, so that they
// come under review in git without being recreated.
//
// It reads through the same providers a plan reads through
// (providers/entra Read with ReadRequest.Adopt, providers/sharepoint
// Sites), so what it writes is what the next plan compares against: every
// exported application carries adopt = "<appId>", and a plan on the
// exported files changes nothing but ownership (the workspace tags of
// each application and its service principal).
//
// The files are built with hclwrite rather than text templates: strings
// are quoted and escaped by the library, references such as
// application.x are real traversals, and the result is laid out exactly as
// entraform fmt would lay it out, so `fmt -check` passes on a fresh
// export.
//
// Some things the tenant holds cannot be exported as they are, and the
// export says so on stderr and in a comment above the block:
//
//   - secret values and private keys never leave the tenant or their
//     holder; secrets and certificates are exported as metadata (a block
//     named after the credential) and the plan keeps such credentials of
//     an adopted application instead of rotating them;
//   - a credential without a usable display name (none, or one shared with
//     another credential) is named by its key id, which the plan also
//     matches;
//   - consent that does not match the requested permissions exactly, a
//     public client platform without public client flows, permissions the
//     resource no longer publishes, and site roles outside read, write,
//     manage and fullcontrol cannot be written so that the plan shows no
//     change; the plan will show the change.
package export

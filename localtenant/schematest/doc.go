// Package schematest checks a client's Go types against the description
// of Microsoft Graph that the local tenant serves (localtenant's
// graphschema.json, generated from Microsoft's CSDL): every JSON field a
// struct encodes or decodes must be a documented property (or navigation
// property) of the Graph type it stands for, with a matching JSON type.
// Clients test their wire types with it, so a client and the local tenant
// cannot drift from Graph together.
package schematest

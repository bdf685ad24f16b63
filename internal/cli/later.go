package cli

// laterCommands lists the commands whose packages land after the
// foundation. Each moves into its own file as it is built.
func laterCommands() []command {
	return []command{
		{"tenant", "Run the local tenant", runTenant},
		{"verify", "Run the login checks against the tenant as it is", runVerify},
	}
}

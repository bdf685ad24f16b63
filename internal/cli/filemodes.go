package cli

import (
	"fmt"
	"os"

	"github.com/entraform/entraform/config"
)

// warnReadableSecrets warns about each secret file and private key file
// of the configuration that group or others may read: entraform writes
// them with mode 0600, so a wider mode was set by someone else, and the
// credential is exposed to every user of the machine who can reach it.
func (m *Meta) warnReadableSecrets(cfg *config.Config) {
	warn := func(rel, what string) {
		st, err := os.Stat(cfg.Path(rel))
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
			return
		}
		fmt.Fprintf(m.Stderr, "Warning: %s (%s) is readable by %s (mode %#o): run chmod 600 %s\n",
			rel, what, readers(st.Mode().Perm()), st.Mode().Perm(), rel)
	}
	for _, app := range cfg.Applications {
		for _, c := range app.Certificates {
			warn(c.PrivateKeyFile, "the private key of "+app.Addr+".certificate."+c.Name)
		}
		for _, s := range app.Secrets {
			if s.WriteTo != "" {
				warn(s.WriteTo, "the secret of "+app.Addr+".secret."+s.Name)
			}
		}
	}
}

func readers(perm os.FileMode) string {
	switch {
	case perm&0o070 != 0 && perm&0o007 != 0:
		return "group and others"
	case perm&0o070 != 0:
		return "its group"
	}
	return "others"
}

package cli

import (
	"github.com/zclconf/go-cty/cty"

	"github.com/entraform/entraform/apply"
	"github.com/entraform/entraform/config"
)

// addConfigSecrets adds to the redaction set the values of sensitive
// variables (every string in them) and the secrets of the write_to files
// the configuration names, before anything of the run is printed.
func (m *Meta) addConfigSecrets(cfg *config.Config) {
	if cfg == nil || m.secrets == nil {
		return
	}
	for _, v := range cfg.Variables {
		if !v.HasMark(config.SensitiveMark) && !v.ContainsMarked() {
			continue
		}
		plain, pvm := v.UnmarkDeepWithPaths()
		if v.HasMark(config.SensitiveMark) {
			m.secrets.Add(stringsIn(plain)...)
			continue
		}
		for _, pm := range pvm {
			if _, ok := pm.Marks[config.SensitiveMark]; !ok {
				continue
			}
			if sub, err := pm.Path.Apply(plain); err == nil {
				m.secrets.Add(stringsIn(sub)...)
			}
		}
	}
	for _, app := range cfg.Applications {
		for _, s := range app.Secrets {
			if s.WriteTo == "" {
				continue
			}
			if f, err := apply.ReadSecretFile(cfg.Path(s.WriteTo)); err == nil {
				m.secrets.Add(f.Secret)
			}
		}
	}
}

// stringsIn lists the known strings in v, at any depth.
func stringsIn(v cty.Value) []string {
	var out []string
	_ = cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if x.IsKnown() && !x.IsNull() && x.Type() == cty.String {
			out = append(out, x.AsString())
		}
		return true, nil
	})
	return out
}

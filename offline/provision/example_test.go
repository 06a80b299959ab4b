package provision_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/motcua/kiosk/offline/provision"
)

func ExampleLoadConfig() {
	dir, _ := os.MkdirTemp("", "kiosk")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, provision.ConfigFile)
	_ = os.WriteFile(path, []byte(`{
  "api_url": "https://motcua.example.gov.vn",
  "idle_timeout": "2m",
  "printer": {"kind": "escpos", "device": "/dev/usb/lp0", "paper_mm": 80}
}`), 0o600)
	cfg, err := provision.LoadConfig(path)
	fmt.Println(cfg.APIURL, cfg.IdleTimeout, cfg.DraftLifetime, cfg.Printer.PaperMM, err)

	// Every problem at once, each with its line and key.
	_ = os.WriteFile(path, []byte(`{
  "idle_timeout": "5s",
  "printr": {"kind": "cups"}
}`), 0o600)
	_, err = provision.LoadConfig(path)
	for _, p := range err.(*provision.ConfigError).Problems {
		fmt.Println(p)
	}
	// Output:
	// https://motcua.example.gov.vn 2m0s 72h0m0s 80 <nil>
	// line 2: idle_timeout "5s": want 0 (never) or between 30s and 1h
	// line 3: printr: unknown key; did you mean printer?
}

package deploy

import (
	"bufio"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The program's path after `sudo make install` of the Linux package
// (.ci/package builds it as usr/local/bin/motcua-kiosk).
const kioskBin = "/usr/local/bin/motcua-kiosk"

// ini is a unit or desktop file: section → key → values, in order (a
// systemd key may repeat).
type ini map[string]map[string][]string

// parseINI reads the key=value files that systemd, freedesktop and LightDM
// share; it fails the test on a line that is none of section, key, comment
// or blank.
func parseINI(t *testing.T, name string) ini {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := ini{}
	section := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
			if out[section] == nil {
				out[section] = map[string][]string{}
			}
		case strings.Contains(line, "=") && section != "":
			k, v, _ := strings.Cut(line, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			out[section][k] = append(out[section][k], v)
		default:
			t.Fatalf("%s:%d: not a section, key=value or comment: %q", name, n, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// want checks that section.key has the value want among its values.
func (f ini) want(t *testing.T, file, section, key, want string) {
	t.Helper()
	if got := f[section][key]; !slices.Contains(got, want) {
		t.Errorf("%s: [%s] %s = %q; want %q", file, section, key, got, want)
	}
}

func TestService(t *testing.T) {
	const file = "motcua-kiosk.service"
	u := parseINI(t, file)
	for _, c := range []struct{ section, key, value string }{
		{"Unit", "After", "graphical-session.target"},
		{"Unit", "PartOf", "graphical-session.target"},
		{"Service", "ExecStart", kioskBin},
		{"Service", "Restart", "always"},
		{"Service", "Environment", "LANG=vi_VN.UTF-8"},
		{"Service", "NoNewPrivileges", "yes"},
		{"Install", "WantedBy", "graphical-session.target"},
	} {
		u.want(t, file, c.section, c.key, c.value)
	}
	if len(u["Service"]["RestartSec"]) == 0 {
		t.Errorf("%s: no RestartSec: a crash loop would spin at full speed", file)
	}
	// In a user unit these need a user namespace: see the unit's comment.
	for _, k := range []string{"ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateUsers", "MemoryDenyWriteExecute"} {
		if _, ok := u["Service"][k]; ok {
			t.Errorf("%s: %s= is set; it breaks the kiosk in a user unit (see the comment there)", file, k)
		}
	}
}

func TestSession(t *testing.T) {
	target := parseINI(t, "motcua-kiosk-session.target")
	target.want(t, "motcua-kiosk-session.target", "Unit", "BindsTo", "graphical-session.target")

	desktop := parseINI(t, "motcua-kiosk.desktop")
	desktop.want(t, "motcua-kiosk.desktop", "Desktop Entry", "Exec", "/usr/local/bin/motcua-kiosk-session")
	desktop.want(t, "motcua-kiosk.desktop", "Desktop Entry", "Type", "Application")

	lightdm := parseINI(t, "lightdm-autologin.conf")
	lightdm.want(t, "lightdm-autologin.conf", "Seat:*", "autologin-session", "motcua-kiosk") // motcua-kiosk.desktop
	lightdm.want(t, "lightdm-autologin.conf", "Seat:*", "autologin-user-timeout", "0")

	script, err := os.ReadFile("motcua-kiosk-session")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"xset s off s noblank -dpms", "start --wait motcua-kiosk-session.target", "import-environment DISPLAY XAUTHORITY"} {
		if !strings.Contains(string(script), s) {
			t.Errorf("motcua-kiosk-session lacks %q", s)
		}
	}
	if fi, err := os.Stat("motcua-kiosk-session"); err == nil && fi.Mode()&0o111 == 0 {
		t.Errorf("motcua-kiosk-session is not executable (mode %v)", fi.Mode())
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if out, err := exec.Command(sh, "-n", "motcua-kiosk-session").CombinedOutput(); err != nil {
			t.Errorf("sh -n motcua-kiosk-session: %v\n%s", err, out)
		}
	}
}

// TestSystemdVerify runs systemd-analyze verify on the units, where it is
// installed: it knows every key of this systemd version. The program is
// not installed here, so ExecStart points at a program that is.
func TestSystemdVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var units []string
	for _, name := range []string{"motcua-kiosk.service", "motcua-kiosk-session.target"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(b), "ExecStart="+kioskBin, "ExecStart="+self)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		units = append(units, path)
	}
	runtime := filepath.Join(dir, "run") // a user manager wants one
	if err := os.Mkdir(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(analyze, append([]string{"verify", "--user"}, units...)...)
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+runtime, "SYSTEMD_LOG_COLOR=0")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify --user: %v\n%s", err, out)
	}
}

// TestWindowsXML parses the XML examples of the Windows notes: IT staff
// paste them into an MDM or PowerShell, which reject a malformed file with
// little explanation.
func TestWindowsXML(t *testing.T) {
	const file = "windows-assigned-access.md"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(b), "```xml\n")[1:]
	if len(blocks) != 2 {
		t.Fatalf("%s has %d XML examples; want 2 (Shell Launcher, restricted user experience)", file, len(blocks))
	}
	for i, block := range blocks {
		text, _, ok := strings.Cut(block, "```")
		if !ok {
			t.Fatalf("%s: XML example %d is not closed", file, i+1)
		}
		if !strings.Contains(text, `%ProgramFiles%\MotCua\motcua-kiosk.exe`) {
			t.Errorf("%s: XML example %d does not start %%ProgramFiles%%\\MotCua\\motcua-kiosk.exe", file, i+1)
		}
		d := xml.NewDecoder(strings.NewReader(text))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: XML example %d: %v", file, i+1, err)
				break
			}
		}
	}
}

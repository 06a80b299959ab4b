// Package deploy holds example files for putting the kiosk on a machine:
// a systemd user unit, a bare X session that LightDM logs the kiosk
// account into, and notes for Windows. They are not embedded; IT staff
// copy them (docs/deployment.md says where). The package has no code:
// its test checks the files, so a typo fails CI rather than a kiosk.
package deploy

package central

import "github.com/motcua/kiosk/kiosk"

// HandoffQR is the text of the resume QR a phone shows for token:
// kiosk.HandoffQRPrefix and the token (32 hex digits). A kiosk's scanner
// reads it back with kiosk.ClassifyScan (a ScanHandoff) and claims the
// form with ClaimHandoff.
func HandoffQR(token string) string { return kiosk.HandoffQRPrefix + token }

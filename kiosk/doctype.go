package kiosk

import "bytes"

// MaxDocumentSize is the largest file the central system takes as one
// attachment (10 MiB: a phone photo or a scanned PDF). The kiosk refuses a
// larger scan at once rather than after a failed upload, so the citizen
// hears about it while still standing at the scanner.
const MaxDocumentSize = 10 << 20

// documentSignatures are the first bytes of the file types the kiosk and
// the central system accept as documents. They are the same signatures
// http.DetectContentType matches for these types (WHATWG MIME Sniffing),
// so a file accepted here is accepted by the server too.
var documentSignatures = []struct {
	prefix, mime string
}{
	{"\xFF\xD8\xFF", "image/jpeg"},
	{"\x89PNG\r\n\x1a\n", "image/png"},
	{"%PDF-", "application/pdf"},
}

// SniffDocument says whether data is a JPEG or PNG image or a PDF, and
// which, from its first bytes only. A file's name and declared type are
// never trusted: a scanner, a phone or a citizen may name anything
// "anh.jpg", and a thumbnail drawn from the wrong decoder is at best an
// error and at worst an attack. It only recognises the type; whether the
// file decodes, or how many pixels it claims, is for the caller to check.
func SniffDocument(data []byte) (mime string, ok bool) {
	for _, sig := range documentSignatures {
		if bytes.HasPrefix(data, []byte(sig.prefix)) {
			return sig.mime, true
		}
	}
	return "", false
}

package kiosk

import "testing"

func TestSniffDocument(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		want   string
		wantOK bool
	}{
		{"nil", nil, "", false},
		{"empty", []byte{}, "", false},
		{"JPEG", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), "image/jpeg", true},
		{"JPEG, Exif", []byte("\xFF\xD8\xFF\xE1\x00\x18Exif\x00\x00"), "image/jpeg", true},
		{"JPEG signature alone", []byte("\xFF\xD8\xFF"), "image/jpeg", true},
		{"JPEG cut short", []byte("\xFF\xD8"), "", false},
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "image/png", true},
		{"PNG cut short", []byte("\x89PNG\r\n\x1a"), "", false},
		{"PNG with Unix line ends", []byte("\x89PNG\n\n\x1a\n\x00\x00\x00\rIHDR"), "", false},
		{"PDF", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"), "application/pdf", true},
		{"PDF signature alone", []byte("%PDF-"), "application/pdf", true},
		{"PDF cut short", []byte("%PDF"), "", false},
		{"PDF in lower case", []byte("%pdf-1.4\n"), "", false},
		{"PDF after a space", []byte(" %PDF-1.4\n"), "", false},
		{"PDF after a UTF-8 BOM", []byte("\xEF\xBB\xBF%PDF-1.4\n"), "", false},
		{"text renamed to .jpg", []byte("Đây là tờ khai, không phải ảnh.\n"), "", false},
		{"text that mentions a PDF", []byte("see %PDF-1.4 below"), "", false},
		{"HTML", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "", false},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), "", false},
		{"BMP", []byte("BM\x3a\x00\x00\x00"), "", false},
		{"WebP", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), "", false},
		{"TIFF", []byte("II*\x00\x08\x00\x00\x00"), "", false},
		{"Windows program", []byte("MZ\x90\x00\x03\x00\x00\x00"), "", false},
		{"ZIP (a .docx)", []byte("PK\x03\x04\x14\x00\x06\x00"), "", false},
		{"zeros", make([]byte, 64), "", false},
		{"JPEG signature later in the file", []byte("xx\xFF\xD8\xFF\xE0"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := SniffDocument(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SniffDocument(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

package centralsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/motcua/kiosk/kiosk/central"
)

// Tiny but valid files of each accepted type.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{R: 155, G: 12, B: 31, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tinyJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var tinyPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// hugePNG is a valid PNG header claiming 60 000 × 60 000 pixels: a
// decompression bomb for whoever draws it.
func hugePNG(t *testing.T) []byte {
	t.Helper()
	data := tinyPNG(t)
	ihdr := data[8+8 : 8+8+13] // after the signature and IHDR's length and type
	binary.BigEndian.PutUint32(ihdr[0:4], 60000)
	binary.BigEndian.PutUint32(ihdr[4:8], 60000)
	binary.BigEndian.PutUint32(data[8+8+13:], crc32.ChecksumIEEE(data[8+4:8+8+13]))
	return data
}

// multipartBody builds an upload body; each call picks a new boundary, as
// a retrying client would.
func multipartBody(t *testing.T, filename string, data []byte, fields map[string]string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data != nil {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

func uploadAttachment(t *testing.T, hs *httptest.Server, token, key, filename string, data []byte, fields map[string]string) (int, http.Header, []byte) {
	t.Helper()
	ctype, body := multipartBody(t, filename, data, fields)
	req, _ := http.NewRequest("POST", hs.URL+"/v1/attachments", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set(central.HeaderIdempotencyKey, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /v1/attachments: %v", err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, got
}

func TestAttachmentTypesAreCheckedByContent(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	tests := []struct {
		name, filename string
		data           []byte
		wantStatus     int
		wantMIME       string
	}{
		{"PNG", "giay-bao-sinh.png", tinyPNG(t), http.StatusCreated, "image/png"},
		{"JPEG named .png", "anh.png", tinyJPEG(t), http.StatusCreated, "image/jpeg"},
		{"PDF", "to-khai.pdf", tinyPDF, http.StatusCreated, "application/pdf"},
		{"Windows program named .jpg", "anh.jpg", append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 100)...), http.StatusUnsupportedMediaType, ""},
		{"HTML named .jpg", "anh.jpg", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), http.StatusUnsupportedMediaType, ""},
		{"text named .pdf", "to-khai.pdf", []byte("chỉ là chữ, không phải PDF"), http.StatusUnsupportedMediaType, ""},
		{"truncated JPEG", "anh.jpg", tinyJPEG(t)[:20], http.StatusUnprocessableEntity, ""},
		{"PNG bomb", "bom.png", hugePNG(t), http.StatusUnprocessableEntity, ""},
		{"empty file", "anh.jpg", []byte{}, http.StatusUnprocessableEntity, ""},
	}
	for _, tt := range tests {
		status, _, body := uploadAttachment(t, hs, token, "key-"+tt.name, tt.filename, tt.data, map[string]string{"document": "1"})
		if status != tt.wantStatus {
			t.Errorf("upload %s = %d %s; want %d", tt.name, status, body, tt.wantStatus)
			continue
		}
		switch status {
		case http.StatusCreated:
			var a central.Attachment
			sum := sha256.Sum256(tt.data)
			if json.Unmarshal(body, &a) != nil || a.MIME != tt.wantMIME || a.Size != int64(len(tt.data)) ||
				a.SHA256 != hex.EncodeToString(sum[:]) || a.Document != 1 || len(a.ID) != len("att_")+16 {
				t.Errorf("upload %s = %s; want %s, its size, hash and document 1", tt.name, body, tt.wantMIME)
			}
		case http.StatusUnsupportedMediaType:
			if errorCode(t, body) != "unsupported_media_type" {
				t.Errorf("upload %s = %s; want unsupported_media_type", tt.name, body)
			}
		case http.StatusUnprocessableEntity:
			if fieldMessage(t, body, "file") == "" {
				t.Errorf("upload %s = %s; want a message on the file", tt.name, body)
			}
		}
	}
}

func TestAttachmentRefusals(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	big := append(tinyJPEG(t), make([]byte, 11<<20)...)
	status, _, body := uploadAttachment(t, hs, token, "big", "anh.jpg", big, nil)
	if status != http.StatusRequestEntityTooLarge || errorCode(t, body) != "payload_too_large" {
		t.Errorf("an 11 MiB upload = %d %s; want 413 payload_too_large", status, body)
	}
	status, _, body = uploadAttachment(t, hs, token, "no-file", "", nil, map[string]string{"document": "0"})
	if status != http.StatusUnprocessableEntity || fieldMessage(t, body, "file") == "" {
		t.Errorf("an upload without a file = %d %s; want 422 on file", status, body)
	}
	status, _, body = uploadAttachment(t, hs, token, "bad-doc", "a.png", tinyPNG(t), map[string]string{"document": "first"})
	if status != http.StatusUnprocessableEntity || fieldMessage(t, body, "document") == "" {
		t.Errorf("an upload with document=first = %d %s; want 422 on document", status, body)
	}
	status, _, body = uploadAttachment(t, hs, token, "", "a.png", tinyPNG(t), nil)
	if status != http.StatusBadRequest || errorCode(t, body) != "idempotency_key_missing" {
		t.Errorf("an upload without an Idempotency-Key = %d %s; want 400", status, body)
	}
	status, _, body = call(t, "POST", hs.URL+"/v1/attachments", token, "json", map[string]string{"file": "x"})
	if status != http.StatusUnsupportedMediaType {
		t.Errorf("a JSON body to /v1/attachments = %d %s; want 415", status, body)
	}
	if status, _, _ := uploadAttachment(t, hs, "", "k", "a.png", tinyPNG(t), nil); status != http.StatusUnauthorized {
		t.Errorf("an upload without a device token = %d; want 401", status)
	}
}

func TestAttachmentRetryIsReplayed(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	data := tinyPNG(t)
	fields := map[string]string{"document": "2"}
	status, _, first := uploadAttachment(t, hs, token, "photo-1", "a.png", data, fields)
	if status != http.StatusCreated {
		t.Fatalf("upload = %d %s; want 201", status, first)
	}
	// The same file under the same key, in a body with another boundary.
	status, h, again := uploadAttachment(t, hs, token, "photo-1", "renamed.png", data, fields)
	if status != http.StatusCreated || !bytes.Equal(first, again) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry = %d %s (replayed %q); want the first answer %s replayed", status, again, h.Get("Idempotent-Replayed"), first)
	}
	status, _, body := uploadAttachment(t, hs, token, "photo-1", "a.jpg", tinyJPEG(t), fields)
	if status != http.StatusUnprocessableEntity || errorCode(t, body) != "idempotency_key_reused" {
		t.Errorf("another file under the same key = %d %s; want 422 idempotency_key_reused", status, body)
	}
}

func TestAttachmentReadBack(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	other := enrolSecondKiosk(t, s, hs)
	_, _, body := uploadAttachment(t, hs, token, "pdf", "to-khai.pdf", tinyPDF, nil)
	var a central.Attachment
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("upload answer %s: %v", body, err)
	}
	status, h, got := call(t, "GET", hs.URL+"/v1/attachments/"+a.ID, token, "", nil)
	if status != http.StatusOK || !bytes.Equal(got, tinyPDF) {
		t.Errorf("GET /v1/attachments/{id} = %d, %d bytes; want 200 and the %d bytes sent", status, len(got), len(tinyPDF))
	}
	for k, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if h.Get(k) != want {
			t.Errorf("GET /v1/attachments/{id}: %s = %q; want %q", k, h.Get(k), want)
		}
	}
	for _, id := range []string{a.ID, "att_0000000000000000"} {
		status, _, body := call(t, "GET", hs.URL+"/v1/attachments/"+id, other, "", nil)
		if status != http.StatusNotFound || errorCode(t, body) != "not_found" {
			t.Errorf("GET /v1/attachments/%s by another kiosk = %d %s; want 404", id, status, body)
		}
	}
}

func TestAttachmentNamesItsQuestion(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	tests := []struct {
		field      string
		wantStatus int
		want       string
	}{
		{"birth_notice_photo", http.StatusCreated, "birth_notice_photo"},
		{" birth_notice_photo ", http.StatusCreated, "birth_notice_photo"},
		{"", http.StatusCreated, ""},
		{"Birth Notice", http.StatusUnprocessableEntity, ""},
		{"1st_photo", http.StatusUnprocessableEntity, ""},
		{"a" + string(bytes.Repeat([]byte("b"), 64)), http.StatusUnprocessableEntity, ""},
	}
	for i, tt := range tests {
		status, _, body := uploadAttachment(t, hs, token, fmt.Sprint("field-", i), "a.png", tinyPNG(t), map[string]string{"field": tt.field})
		var a central.Attachment
		switch {
		case status != tt.wantStatus:
			t.Errorf("upload with field %q = %d %s; want %d", tt.field, status, body, tt.wantStatus)
		case status == http.StatusCreated && (json.Unmarshal(body, &a) != nil || a.Field != tt.want):
			t.Errorf("upload with field %q = %s; want field %q", tt.field, body, tt.want)
		case status == http.StatusUnprocessableEntity && fieldMessage(t, body, "field") == "":
			t.Errorf("upload with field %q = %s; want a message on field", tt.field, body)
		}
	}
	// The field is part of what a key stands for.
	fields := map[string]string{"field": "birth_notice_photo"}
	uploadAttachment(t, hs, token, "same", "a.png", tinyPNG(t), fields)
	fields["field"] = "evidence_photo"
	if status, _, body := uploadAttachment(t, hs, token, "same", "a.png", tinyPNG(t), fields); status != http.StatusUnprocessableEntity || errorCode(t, body) != "idempotency_key_reused" {
		t.Errorf("the same file for another question under the same key = %d %s; want 422 idempotency_key_reused", status, body)
	}
}

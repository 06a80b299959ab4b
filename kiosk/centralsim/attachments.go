package centralsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Upload limits. A multipart body carries a little more than its file, so
// the body may exceed maxUploadBody by uploadFormSlack while the file
// itself may not: a phone told "at most 10 MB" can send exactly that.
const (
	uploadFormSlack = 64 << 10
	uploadMaxParts  = 8
	uploadMaxField  = 256
	// uploadMaxPixels stops decompression bombs: a 10 MB PNG can claim
	// 50 000 × 50 000 pixels, which would take the kiosk's memory when it
	// draws the thumbnail. 50 megapixels is above any phone camera.
	uploadMaxPixels = 50_000_000
)

var (
	errUnsupportedFile = newAPIError(http.StatusUnsupportedMediaType, "unsupported_media_type",
		"Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF. Nội dung tệp này không phải một trong các loại đó, dù tên tệp là gì.",
		"Only JPEG or PNG photos and PDF files are accepted. This file's content is none of these, whatever its name says.")
	errNotMultipart = newAPIError(http.StatusUnsupportedMediaType, "unsupported_media_type",
		"Tệp phải được gửi dạng multipart/form-data.",
		"Send the file as multipart/form-data.")
	errBadForm = newAPIError(http.StatusBadRequest, "bad_request",
		"Dữ liệu gửi lên không đúng định dạng.",
		"The multipart body is malformed or has too many or too long parts.")
)

func fileProblem(vi, en string) *apiError {
	return validationError(map[string]kiosk.Text{"file": {VI: vi, EN: en}})
}

// upload is a parsed multipart form: its one file and its small fields.
type upload struct {
	file    []byte
	hasFile bool
	fields  map[string]string
}

// readUpload streams a multipart body into memory, at most one file of
// maxUploadBody bytes and a few short fields. It never spools to disk, as
// ParseMultipartForm would.
func readUpload(w http.ResponseWriter, r *http.Request) (upload, *apiError) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBody+uploadFormSlack)
	mr, err := r.MultipartReader()
	if err != nil {
		return upload{}, errNotMultipart
	}
	u := upload{fields: map[string]string{}}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return upload{}, bodyProblem(err)
		}
		if n >= uploadMaxParts {
			return upload{}, errBadForm
		}
		if e := u.add(part); e != nil {
			return upload{}, e
		}
	}
}

func (u *upload) add(part *multipart.Part) *apiError {
	defer part.Close()
	name := part.FormName()
	if name == "file" {
		if u.hasFile {
			return errBadForm // one file per request keeps the fingerprint simple
		}
		data, err := io.ReadAll(io.LimitReader(part, maxUploadBody+1))
		if err != nil {
			return bodyProblem(err)
		}
		if len(data) > maxUploadBody {
			return errTooLarge
		}
		u.file, u.hasFile = data, true
		return nil
	}
	v, err := io.ReadAll(io.LimitReader(part, uploadMaxField+1))
	if err != nil {
		return bodyProblem(err)
	}
	if len(v) > uploadMaxField {
		return errBadForm
	}
	u.fields[name] = string(v)
	return nil
}

func bodyProblem(err error) *apiError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errTooLarge
	}
	return errBadForm
}

// sniffFile checks a file by its content and returns its MIME type. The
// name and declared type of a file are never trusted; the kiosk sniffs its
// scans with the same kiosk.SniffDocument, so the two never disagree on
// what a document is.
func sniffFile(data []byte, hasFile bool) (string, *apiError) {
	if !hasFile {
		return "", fileProblem("Chưa có tệp nào được gửi.", "No file was sent.")
	}
	if len(data) == 0 {
		return "", fileProblem("Tệp trống, không có nội dung. Hãy chụp hoặc chọn lại.", "The file is empty. Please take or choose it again.")
	}
	mime, ok := kiosk.SniffDocument(data)
	if !ok {
		return "", errUnsupportedFile
	}
	if mime == "application/pdf" {
		return mime, nil
	}
	return mime, checkImage(data, mime)
}

// checkImage reads an image's header: a photo the kiosk cannot decode, or
// one too large to draw, is refused here rather than on the kiosk.
func checkImage(data []byte, mime string) *apiError {
	var cfg image.Config
	var err error
	if mime == "image/png" {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return fileProblem("Không đọc được ảnh này; tệp có thể bị hỏng. Hãy chụp lại.",
			"This photo cannot be read; the file may be damaged. Please take it again.")
	}
	if int64(cfg.Width)*int64(cfg.Height) > uploadMaxPixels {
		return fileProblem("Ảnh quá lớn (trên 50 triệu điểm ảnh). Hãy chụp lại với độ phân giải thấp hơn.",
			"The photo is too large (over 50 megapixels). Please take it at a lower resolution.")
	}
	return nil
}

// parseDocument reads the optional "document" field: which of the
// procedure's documents the file is, counted from 1 (0 or absent: not
// said). n is how many there are, or -1 when unknown.
func parseDocument(v string, n int) (int, *apiError) {
	if v == "" {
		return 0, nil
	}
	d, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || d < 0 || (n >= 0 && d > n) || d > 999 {
		return 0, validationError(map[string]kiosk.Text{"document": {
			VI: "Số thứ tự giấy tờ không hợp lệ.",
			EN: "The document number is not valid.",
		}})
	}
	return d, nil
}

// fieldIDChars are the characters of a form field's ID (the catalog's
// KeyID: lower-case ASCII, digits and underscores).
const fieldIDChars = "abcdefghijklmnopqrstuvwxyz0123456789_"

var msgBadField = kiosk.Text{
	VI: "Mã câu hỏi của tệp không hợp lệ.",
	EN: "The question the file answers is not valid.",
}

// parseFieldID reads the optional "field" of a device upload: the form
// question the file answers. The device names no procedure here, so only
// its shape is checked; the dossier checks it belongs to the form.
func parseFieldID(v string) (string, *apiError) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if len(v) > 64 || strings.Trim(v, fieldIDChars) != "" || v[0] < 'a' || v[0] > 'z' {
		return "", validationError(map[string]kiosk.Text{"field": msgBadField})
	}
	return v, nil
}

// storeAttachment stores a checked file and its description: which
// document (doc) or question (field) it is, when said.
func storeAttachment(tx *bolt.Tx, deviceID, linkID, mime string, doc int, field string, data []byte, now time.Time) (central.Attachment, error) {
	sum := sha256.Sum256(data)
	rec := attachmentRecord{
		Attachment: central.Attachment{
			ID:       "att_" + randomToken(8),
			SHA256:   hex.EncodeToString(sum[:]),
			Size:     int64(len(data)),
			MIME:     mime,
			Document: doc,
			Field:    field,
		},
		DeviceID:  deviceID,
		LinkID:    linkID,
		CreatedAt: now,
	}
	if err := putJSON(tx, bucketAttachMeta, rec.ID, rec); err != nil {
		return central.Attachment{}, err
	}
	return rec.Attachment, tx.Bucket(bucketAttachData).Put([]byte(rec.ID), data)
}

// handleCreateAttachment stores a file the kiosk scanned or photographed.
// Its Idempotency-Key fingerprint is the file's hash, document and field,
// never the raw body: a retry may use another multipart boundary.
func (s *Server) handleCreateAttachment(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(central.HeaderIdempotencyKey) == "" {
		writeError(w, r, errKeyMissing) // before reading up to 10 MiB for nothing
		return
	}
	u, apiErr := readUpload(w, r)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	mime, apiErr := sniffFile(u.file, u.hasFile)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	doc, apiErr := parseDocument(u.fields["document"], -1)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	field, apiErr := parseFieldID(u.fields["field"])
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	sum := sha256.Sum256(u.file)
	fingerprint := hex.EncodeToString(sum[:]) + "|" + strconv.Itoa(doc)
	if field != "" { // without one, as before fields existed: old keys still replay
		fingerprint += "|" + field
	}
	deviceID := deviceOf(r).ID
	s.once(w, r, "attachment", fingerprint, func(tx *bolt.Tx) (int, any, *apiError) {
		a, err := storeAttachment(tx, deviceID, "", mime, doc, field, u.file, s.opts.Now())
		if err != nil {
			return 0, nil, errInternal
		}
		return http.StatusCreated, a, nil
	})
}

// handleGetAttachment returns a device's own file. The headers stop a
// browser from sniffing it into something else or caching it.
func (s *Server) handleGetAttachment(w http.ResponseWriter, r *http.Request) {
	id, deviceID := r.PathValue("id"), deviceOf(r).ID
	var rec attachmentRecord
	var data []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketAttachMeta, id, &rec)
		if err != nil {
			return err
		}
		if !found || rec.DeviceID != deviceID {
			return errNotFound
		}
		data = bytes.Clone(tx.Bucket(bucketAttachData).Get([]byte(id))) // copied out before the tx ends
		return nil
	})
	if apiErr := s.apiErrorOf(err); apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	h := w.Header()
	h.Set("Content-Type", rec.MIME)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	_, _ = w.Write(data)
}

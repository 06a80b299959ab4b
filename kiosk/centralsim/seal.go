package centralsim

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Drafts handed over to a phone (and a claimed draft's replayable answer)
// are personal data at rest between two visits, so they are sealed with
// AES-256-GCM under a per-server key, with the record's id as associated
// data: a sealed draft copied under another id does not open.
//
// The key lives in its own file beside the data file (DataFile + ".key",
// mode 0600) rather than in the bbolt file: a copy or backup of the data
// file alone then reveals no draft. Losing the key file loses only the
// drafts in flight, which the phone page then shows as ended, and the
// assistants' keyed hashes (assistants.go): the team is registered again.

const sealKeySize = 32 // AES-256

var errUnsealable = errors.New("sealed data does not open with this server's key")

// loadSealKey reads the key file, or creates it with a fresh random key.
// O_EXCL makes two servers starting on one data file agree on one key
// (the second one's bbolt lock fails anyway). The key is the server's one
// secret: other keys are derived from it (serverSubkey).
func loadSealKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createSealKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	if len(key) != sealKeySize {
		return nil, fmt.Errorf("seal key %s: %d bytes, want %d", path, len(key), sealKeySize)
	}
	return key, nil
}

// serverSubkey derives a key for one purpose from the server's secret
// (HKDF-SHA256), so no two uses ever share a key.
func serverSubkey(secret []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, secret, nil, "centralsim "+purpose, 32)
}

// newSealer is AES-256-GCM under the seal key.
func newSealer(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return cipher.NewGCM(block)
}

func createSealKey(path string) ([]byte, error) {
	key := make([]byte, sealKeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil { // the key must outlive a power cut as the drafts do
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// seal encrypts plain for the record id: a random nonce, then the
// ciphertext and tag.
func (s *Server) seal(plain []byte, id string) []byte {
	nonce := make([]byte, s.sealer.NonceSize(), s.sealer.NonceSize()+len(plain)+s.sealer.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return s.sealer.Seal(nonce, nonce, plain, []byte(id))
}

// unseal opens what seal made for the same id.
func (s *Server) unseal(sealed []byte, id string) ([]byte, error) {
	n := s.sealer.NonceSize()
	if len(sealed) < n+s.sealer.Overhead() {
		return nil, errUnsealable
	}
	plain, err := s.sealer.Open(nil, sealed[:n], sealed[n:], []byte(id))
	if err != nil {
		return nil, errUnsealable
	}
	return plain, nil
}

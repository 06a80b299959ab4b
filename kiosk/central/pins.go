package central

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SPKIPin returns the certificate's public-key pin as HPKP's "pin-sha256"
// (RFC 7469) and curl's --pinnedpubkey write it: the base64 of the SHA-256
// of the DER SubjectPublicKeyInfo. Pinning the key rather than the
// certificate survives renewals that keep the key.
func SPKIPin(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// parsePins checks the configured pins: each is the base64 of 32 bytes,
// optionally written "sha256//…" as curl does.
func parsePins(pins []string) (map[string]bool, error) {
	if len(pins) == 0 {
		return nil, nil
	}
	set := make(map[string]bool, len(pins))
	for _, p := range pins {
		p = strings.TrimPrefix(strings.TrimSpace(p), "sha256//")
		raw, err := base64.StdEncoding.DecodeString(p)
		if err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("central: pin %q is not a base64 SHA-256 (pin-sha256) of a public key", p)
		}
		set[p] = true
	}
	return set, nil
}

// verifyPins returns a tls.Config.VerifyConnection check. It runs after
// Go's own chain and host-name verification (which stays on), so a pin can
// only narrow trust: at least one certificate of a verified chain, leaf or
// CA, must carry a pinned key. Pinning a CA key as the backup pin is what
// lets a kiosk survive a leaf key change.
func verifyPins(pins map[string]bool) func(tls.ConnectionState) error {
	return func(cs tls.ConnectionState) error {
		for _, chain := range cs.VerifiedChains {
			for _, cert := range chain {
				if pins[SPKIPin(cert)] {
					return nil
				}
			}
		}
		leaf := "no certificate"
		if len(cs.PeerCertificates) > 0 {
			leaf = "leaf pin-sha256 " + SPKIPin(cs.PeerCertificates[0])
		}
		return fmt.Errorf("%w (server %s, %s)", ErrPinMismatch, cs.ServerName, leaf)
	}
}

// tlsConfig hardens base (nil for a new one): TLS 1.2 at least,
// verification on, the configured roots and pins. A base that disables
// verification is refused rather than silently fixed: whoever set it
// expected it to work.
func tlsConfig(base *tls.Config, roots *x509.CertPool, pins map[string]bool) (*tls.Config, error) {
	cfg := &tls.Config{}
	if base != nil {
		if base.InsecureSkipVerify {
			return nil, errors.New("central: the HTTP client skips TLS verification; the kiosk never does")
		}
		cfg = base.Clone()
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	if roots != nil {
		cfg.RootCAs = roots
	}
	if pins != nil {
		next := cfg.VerifyConnection
		check := verifyPins(pins)
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if next != nil {
				if err := next(cs); err != nil {
					return err
				}
			}
			return check(cs)
		}
	}
	return cfg, nil
}

// isCertError reports whether err is a failed certificate verification.
func isCertError(err error) bool {
	var (
		verr  *tls.CertificateVerificationError
		uaErr x509.UnknownAuthorityError
		hErr  x509.HostnameError
		cErr  x509.CertificateInvalidError
	)
	return errors.As(err, &verr) || errors.As(err, &uaErr) || errors.As(err, &hErr) || errors.As(err, &cErr)
}

package centralsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Buckets of the reference server's bbolt file, created once at Open.
var (
	bucketMeta        = []byte("meta")         // counters and settings
	bucketEnrollCodes = []byte("enroll_codes") // code → enrollCode
	bucketDevices     = []byte("devices")      // sha256(token) hex → device
	bucketIdempotency = []byte("idempotency")  // scope → idemRecord
	bucketDossiers    = []byte("dossiers")     // code → dossierRecord
	bucketAttachMeta  = []byte("attachments")  // id → attachmentRecord
	bucketAttachData  = []byte("attachment_data")
	bucketLinks       = []byte("link_sessions") // id → linkRecord
	bucketLinkTokens  = []byte("link_tokens")   // sha256(token) hex → link id
	bucketResumeToken = []byte("resume_tokens") // sha256(resume QR token) hex → link id
	bucketPayments    = []byte("payments")      // id → paymentRecord
	bucketFeedback    = []byte("feedback")      // id → feedback
	bucketHelp        = []byte("help_requests") // id → helpRecord
	bucketMetrics     = []byte("metrics_days")  // date|device|procedure → metricsDayRecord
	bucketAssistants  = []byte("assistants")    // id → assistantRecord (hashes only)

	allBuckets = [][]byte{
		bucketMeta, bucketEnrollCodes, bucketDevices, bucketIdempotency,
		bucketDossiers, bucketAttachMeta, bucketAttachData, bucketLinks,
		bucketLinkTokens, bucketResumeToken, bucketPayments, bucketFeedback, bucketHelp, bucketMetrics,
		bucketAssistants,
	}

	// legacyBuckets are dropped at Open. "metrics" held reports of the
	// period shape that came before per-day metrics; nothing reads them,
	// and counting them beside the new days would count visits twice.
	legacyBuckets = [][]byte{[]byte("metrics")}
)

// openStore opens (or creates) the server's bbolt file with bbolt's default,
// crash-safe options and a lock timeout, so a second server on the same
// file fails at once with a clear error instead of hanging.
func openStore(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("the data file %s is in use by another centralsim", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		for _, name := range legacyBuckets {
			if tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create buckets in %s: %w", path, err)
	}
	return db, nil
}

// putJSON stores v as JSON under key in bucket.
func putJSON(tx *bolt.Tx, bucket []byte, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), data)
}

// getJSON loads the JSON under key into v; it reports false if there is
// none. The value is decoded inside the transaction, so nothing refers to
// bbolt's memory after it ends.
func getJSON(tx *bolt.Tx, bucket []byte, key string, v any) (bool, error) {
	data := tx.Bucket(bucket).Get([]byte(key))
	if data == nil {
		return false, nil
	}
	return true, json.Unmarshal(data, v)
}

// nextSeq returns the next value of a named counter kept in the meta bucket.
func nextSeq(tx *bolt.Tx, name string) (uint64, error) {
	b, err := tx.Bucket(bucketMeta).CreateBucketIfNotExists([]byte("seq:" + name))
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

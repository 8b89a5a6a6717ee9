package lots

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Sealing: each procurement has its own random data key; responses are encrypted under it with
// AES-256-GCM, bound (as additional data) to the submission and bidder so a sealed envelope
// cannot be moved to another row. The data key is stored wrapped by a key derived from the
// service's secret, so a copy of the database alone opens nothing.

const keySize = 32

// ErrSealed is returned when an envelope does not open: wrong key, or altered ciphertext.
var ErrSealed = errors.New("sealed envelope does not open: wrong key or altered content")

// NewKey makes a procurement's data key.
func NewKey() ([]byte, error) {
	k := make([]byte, keySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("new data key: %w", err)
	}
	return k, nil
}

// wrappingKey derives the key-encryption key from the service's secret, so the secret itself
// is never used directly as an AES key.
func wrappingKey(secret []byte) ([]byte, error) {
	if len(secret) < 16 {
		return nil, errors.New("the secret key is too short to seal responses")
	}
	return hkdf.Key(sha256.New, secret, nil, "golive procurement key wrap v1", keySize)
}

// WrapKey seals a procurement's data key with the service's secret.
func WrapKey(secret, key []byte, procurementID string) ([]byte, error) {
	kek, err := wrappingKey(secret)
	if err != nil {
		return nil, err
	}
	return Seal(kek, key, "procurement-key:"+procurementID)
}

// UnwrapKey opens a procurement's data key.
func UnwrapKey(secret, wrapped []byte, procurementID string) ([]byte, error) {
	kek, err := wrappingKey(secret)
	if err != nil {
		return nil, err
	}
	return Open(kek, wrapped, "procurement-key:"+procurementID)
}

// Seal encrypts plaintext with AES-256-GCM: a random nonce followed by the ciphertext.
func Seal(key, plaintext []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize(), gcm.NonceSize()+len(plaintext)+gcm.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return gcm.Seal(nonce, nonce, plaintext, []byte(aad)), nil
}

// Open decrypts what Seal made with the same key and additional data.
func Open(key, sealed []byte, aad string) ([]byte, error) {
	gcm, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(sealed) < gcm.NonceSize()+gcm.Overhead() {
		return nil, ErrSealed
	}
	out, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], []byte(aad))
	if err != nil {
		return nil, ErrSealed
	}
	return out, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("an AES-256 key has %d bytes, not %d", keySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	return cipher.NewGCM(block)
}

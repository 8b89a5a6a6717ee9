package lots

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
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

// KeyIDSize is the length of a key id in hex digits.
const KeyIDSize = 16

// KeyID names a secret without revealing it: 8 bytes of a key derived from it (HKDF with its own
// label, so it says nothing about the wrapping key), in hex. It is stored beside each wrapped key
// so that, during a rotation, the service knows which secret opens which procurement, and a rerun
// of the rotation knows what is already done.
func KeyID(secret []byte) (string, error) {
	if len(secret) < 16 {
		return "", errors.New("the secret key is too short to seal responses")
	}
	id, err := hkdf.Key(sha256.New, secret, nil, "golive secret key id v1", KeyIDSize/2)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(id), nil
}

// ErrUnknownKey is returned when a procurement's key is wrapped under a secret the service was
// not given: the database was restored without its key file, or a rotation's old secret is
// missing.
var ErrUnknownKey = errors.New("the procurement key is wrapped under a secret key this service was not given")

// Keyring holds the secrets that wrap procurement keys: the current one (GOLIVE_SECRET_KEY),
// which wraps every new or rotated key, and during a rotation the old ones
// (GOLIVE_OLD_SECRET_KEY), which still unwrap keys not yet re-wrapped.
type Keyring struct {
	current wrapper
	old     []wrapper
}

type wrapper struct {
	id  string
	kek []byte
}

func newWrapper(secret []byte) (wrapper, error) {
	id, err := KeyID(secret)
	if err != nil {
		return wrapper{}, err
	}
	kek, err := wrappingKey(secret)
	if err != nil {
		return wrapper{}, err
	}
	return wrapper{id: id, kek: kek}, nil
}

// NewKeyring makes a keyring from the current secret and any old ones (nil entries are skipped).
func NewKeyring(current []byte, old ...[]byte) (*Keyring, error) {
	c, err := newWrapper(current)
	if err != nil {
		return nil, err
	}
	k := &Keyring{current: c}
	for _, o := range old {
		if o == nil {
			continue
		}
		w, err := newWrapper(o)
		if err != nil {
			return nil, fmt.Errorf("old secret key: %w", err)
		}
		if w.id != c.id {
			k.old = append(k.old, w)
		}
	}
	return k, nil
}

// CurrentID is the key id of the current secret: what every wrapped key carries after a rotation.
func (k *Keyring) CurrentID() string { return k.current.id }

// IDs lists the key ids the keyring can unwrap, the current one first.
func (k *Keyring) IDs() []string {
	out := []string{k.current.id}
	for _, o := range k.old {
		out = append(out, o.id)
	}
	return out
}

// Has reports whether the keyring holds the secret with this key id.
func (k *Keyring) Has(id string) bool { return slices.Contains(k.IDs(), id) }

// Wrap seals a procurement's data key under the current secret, returning the key id to store
// beside it.
func (k *Keyring) Wrap(key []byte, procurementID string) (wrapped []byte, keyID string, err error) {
	wrapped, err = Seal(k.current.kek, key, "procurement-key:"+procurementID)
	return wrapped, k.current.id, err
}

// Unwrap opens a procurement's data key with the secret its key id names. A key stored before
// key ids existed (keyID "") is tried under each secret: GCM authenticates, so a wrong secret
// fails rather than yielding a wrong key.
func (k *Keyring) Unwrap(wrapped []byte, keyID, procurementID string) ([]byte, error) {
	aad := "procurement-key:" + procurementID
	all := append([]wrapper{k.current}, k.old...)
	if keyID == "" {
		for _, w := range all {
			if key, err := Open(w.kek, wrapped, aad); err == nil {
				return key, nil
			}
		}
		return nil, fmt.Errorf("%w (no key id stored; tried key ids %s)", ErrUnknownKey, strings.Join(k.IDs(), ", "))
	}
	for _, w := range all {
		if w.id == keyID {
			return Open(w.kek, wrapped, aad)
		}
	}
	return nil, fmt.Errorf("%w: it needs key id %s, and this service has key ids %s", ErrUnknownKey, keyID, strings.Join(k.IDs(), ", "))
}

// keyring is the service's secrets as a Keyring. Made per call (two HKDF derivations, a few
// microseconds) so the Service stays a plain struct that tests copy.
func (s *Service) keyring() (*Keyring, error) {
	if s.OldSecret == nil {
		return NewKeyring(s.Secret)
	}
	return NewKeyring(s.Secret, s.OldSecret)
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
	return openWith(gcm, sealed, aad)
}

// openWith is Open with the key's cipher already made: a page that opens every bid's price
// envelope under one procurement's key makes it once, not once an envelope.
func openWith(gcm cipher.AEAD, sealed []byte, aad string) ([]byte, error) {
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

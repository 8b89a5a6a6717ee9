package lots

import (
	"bytes"
	"errors"
	"testing"
)

func TestASealedEnvelopeOpensOnlyWithItsKeyAndItsPlace(t *testing.T) {
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte(`[{"question_id":"q1","text":"our staffing model"}]`)
	sealed, err := Seal(key, plain, "answers:s1:bidderA")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("staffing")) {
		t.Fatal("plaintext visible in the envelope")
	}
	again, _ := Seal(key, plain, "answers:s1:bidderA")
	if bytes.Equal(sealed, again) {
		t.Fatal("two seals of the same content are identical: the nonce is not random")
	}
	got, err := Open(key, sealed, "answers:s1:bidderA")
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q %v", got, err)
	}
	other, _ := NewKey()
	if _, err := Open(other, sealed, "answers:s1:bidderA"); !errors.Is(err, ErrSealed) {
		t.Fatalf("another procurement's key opened it: %v", err)
	}
	if _, err := Open(key, sealed, "answers:s1:bidderB"); !errors.Is(err, ErrSealed) {
		t.Fatalf("moved to another bidder, it still opened: %v", err)
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	if _, err := Open(key, tampered, "answers:s1:bidderA"); !errors.Is(err, ErrSealed) {
		t.Fatalf("an altered envelope opened: %v", err)
	}
	if _, err := Open(key, []byte("short"), "x"); !errors.Is(err, ErrSealed) {
		t.Fatalf("a truncated envelope: %v", err)
	}
	if _, err := Seal([]byte("short key"), plain, ""); err == nil {
		t.Fatal("sealed with a short key")
	}
}

func TestAProcurementKeyIsWrappedByTheServiceSecret(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, 32)
	key, _ := NewKey()
	wrapped, err := WrapKey(secret, key, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(wrapped, key) {
		t.Fatal("the data key is stored in clear")
	}
	got, err := UnwrapKey(secret, wrapped, "p1")
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := UnwrapKey(bytes.Repeat([]byte{8}, 32), wrapped, "p1"); err == nil {
		t.Fatal("another service's secret unwrapped it")
	}
	if _, err := UnwrapKey(secret, wrapped, "p2"); err == nil {
		t.Fatal("a key copied to another procurement unwrapped")
	}
	if _, err := WrapKey([]byte("short"), key, "p1"); err == nil {
		t.Fatal("wrapped with a too-short secret")
	}
}

package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The canonical encoding is the evidence format: anyone can recompute a hash from a database dump
// with a few lines of code, so it is fixed and documented here rather than left to a library's
// field order. Version 1 is one JSON object, fields in exactly this order, no whitespace:
//
//	{"v":1,"seq":N,"id":"…","at":"RFC3339Nano UTC","tenant_id":"…","actor_user_id":"…",
//	 "actor_org_id":"…","action":"…","object_type":"…","object_id":"…","summary":<stored text>}
//
// Strings escape only '"', '\\' and control characters (RFC 8785 rules). The summary is embedded
// byte for byte as stored (Record stores it with sorted keys), so re-formatting it is detected.
// hash = lower-case hex SHA-256 of (prev_hash ‖ canonical bytes); the first event's prev is "".
const canonicalVersion = 1

// Canonical returns the bytes an event's hash covers (without the previous hash).
func Canonical(e Event) []byte { return appendCanonical(nil, e) }

func appendCanonical(b []byte, e Event) []byte {
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, canonicalVersion, 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = appendField(b, "id", e.ID)
	b = append(b, `,"at":"`...)
	b = e.At.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	b = appendField(b, "tenant_id", e.TenantID)
	b = appendField(b, "actor_user_id", e.ActorUserID)
	b = appendField(b, "actor_org_id", e.ActorOrgID)
	b = appendField(b, "action", e.Action)
	b = appendField(b, "object_type", e.ObjectType)
	b = appendField(b, "object_id", e.ObjectID)
	b = append(b, `,"summary":`...)
	b = append(b, e.Summary...)
	return append(b, '}')
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Bytes that are not valid UTF-8 pass through unchanged
// (encoding/json would replace them with U+FFFD, making two different rows hash the same).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c >= 0x20:
			b = append(b, c)
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
	}
	return append(b, '"')
}

// CanonicalJSON encodes v as JSON with every object's keys sorted, no insignificant whitespace and
// no HTML escaping, so the same change always produces the same summary text. Structs inside v
// are re-read as objects so their keys are sorted too.
func CanonicalJSON(v any) (string, error) {
	if m, ok := v.(map[string]any); ok && m == nil {
		return "{}", nil
	}
	first, err := encodeJSON(v)
	if err != nil {
		return "", err
	}
	dec := json.NewDecoder(bytes.NewReader(first))
	dec.UseNumber() // keep numbers as written: float64 would round large ids
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return "", err
	}
	out, err := encodeJSON(generic)
	if err != nil {
		return "", err
	}
	return string(out), nil
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Hash is the event's link in the chain: hex SHA-256 over prev followed by Canonical(e).
func Hash(prev string, e Event) string {
	return hashInto(nil, prev, e)
}

func hashInto(buf []byte, prev string, e Event) string {
	buf = append(buf[:0], prev...)
	buf = appendCanonical(buf, e)
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:])
}

// Verifier checks a chain fed to it one event at a time in seq order, so a million rows can be
// verified in batches without holding them all. The first problem found is kept.
type Verifier struct {
	checked  int64
	lastSeq  int64
	lastHash string
	lastID   string
	buf      []byte
	problem  *Problem
}

// Add checks the next event. It returns the first problem found so far, or nil.
func (v *Verifier) Add(e Event) *Problem {
	if v.problem != nil {
		return v.problem
	}
	want := v.lastSeq + 1
	switch {
	case e.Seq > want:
		detail := fmt.Sprintf("row seq %d is missing (deleted); the next row present is seq %d id %s", want, e.Seq, e.ID)
		if e.Seq > want+1 {
			detail = fmt.Sprintf("rows seq %d to %d are missing (deleted); the next row present is seq %d id %s", want, e.Seq-1, e.Seq, e.ID)
		}
		v.problem = &Problem{Kind: Missing, Seq: want, Detail: detail}
		return v.problem
	case e.Seq < want:
		v.problem = &Problem{Kind: BrokenLink, Seq: e.Seq, ID: e.ID,
			Detail: fmt.Sprintf("seq %d follows seq %d: rows are out of order or duplicated", e.Seq, v.lastSeq)}
		return v.problem
	}
	if e.PrevHash != v.lastHash {
		detail := fmt.Sprintf("prev_hash %s is not the hash %s of row seq %d id %s: that row was rewritten with a recomputed hash, or this row's link was edited",
			short(e.PrevHash), short(v.lastHash), v.lastSeq, v.lastID)
		if v.lastSeq == 0 {
			detail = fmt.Sprintf("the first row's prev_hash must be empty, not %s", short(e.PrevHash))
		}
		v.problem = &Problem{Kind: BrokenLink, Seq: e.Seq, ID: e.ID, Detail: detail}
		return v.problem
	}
	if got := hashInto(v.buf, e.PrevHash, e); got != e.Hash {
		v.problem = &Problem{Kind: Altered, Seq: e.Seq, ID: e.ID,
			Detail: fmt.Sprintf("the row's content hashes to %s but its stored hash is %s: the row was edited", short(got), short(e.Hash))}
		return v.problem
	}
	v.checked++
	v.lastSeq, v.lastHash, v.lastID = e.Seq, e.Hash, e.ID
	return nil
}

// Finish compares the last event with the head. It returns the first problem found, or nil.
func (v *Verifier) Finish(head Head) *Problem {
	if v.problem != nil {
		return v.problem
	}
	switch {
	case head.Seq > v.lastSeq:
		detail := fmt.Sprintf("the head records %d events but the last row is seq %d: the newest events were deleted", head.Seq, v.lastSeq)
		v.problem = &Problem{Kind: TailDeleted, Seq: v.lastSeq + 1, Detail: detail}
	case head.Seq < v.lastSeq:
		v.problem = &Problem{Kind: Unchained, Seq: head.Seq + 1,
			Detail: fmt.Sprintf("rows run to seq %d but the head records %d events: rows were added without taking the chain lock", v.lastSeq, head.Seq)}
	case head.Hash != v.lastHash:
		v.problem = &Problem{Kind: HeadMismatch, Seq: v.lastSeq, ID: v.lastID,
			Detail: fmt.Sprintf("the head hash %s is not the last row's hash %s: the last row was rewritten or the head edited", short(head.Hash), short(v.lastHash))}
	}
	return v.problem
}

// Checked is the number of events verified intact so far.
func (v *Verifier) Checked() int64 { return v.checked }

// VerifyChain checks a whole chain held in memory, in seq order, against its head.
func VerifyChain(events []Event, head Head) *Problem {
	var v Verifier
	for _, e := range events {
		if p := v.Add(e); p != nil {
			return p
		}
	}
	return v.Finish(head)
}

func short(h string) string {
	if h == "" {
		return `""`
	}
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

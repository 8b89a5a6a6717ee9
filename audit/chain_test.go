package audit

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// chain builds n intact events and their head, as Record would have.
func chain(n int) ([]Event, Head) {
	events := make([]Event, n)
	prev := ""
	at := time.Date(2025, 3, 15, 9, 30, 0, 123456000, time.UTC)
	for i := range events {
		e := Event{
			ID: fmt.Sprintf("ev-%d", i+1), Seq: int64(i + 1), At: at.Add(time.Duration(i) * time.Second),
			TenantID: "org-a", ActorUserID: "user-1", ActorOrgID: "org-a", Action: "lot.opened",
			ObjectType: "lot", ObjectID: fmt.Sprintf("lot-%d", i%3), Summary: fmt.Sprintf(`{"n":%d}`, i),
			PrevHash: prev,
		}
		e.Hash = Hash(prev, e)
		prev = e.Hash
		events[i] = e
	}
	return events, Head{Seq: int64(n), Hash: prev}
}

func TestVerifyChainNamesTheFirstBadRow(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(events []Event, head Head) ([]Event, Head)
		kind    ProblemKind
		seq     int64
		id      string
		wantNil bool
	}{
		{name: "an untouched chain verifies", tamper: func(e []Event, h Head) ([]Event, Head) { return e, h }, wantNil: true},
		{name: "an empty chain with the seeded head verifies", tamper: func([]Event, Head) ([]Event, Head) { return nil, Head{} }, wantNil: true},
		{name: "a summary edited in place is named as altered", kind: Altered, seq: 3, id: "ev-3",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[2].Summary = `{"n":999}`; return e, h }},
		{name: "a summary re-formatted with a space is altered", kind: Altered, seq: 2, id: "ev-2",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[1].Summary = `{"n": 1}`; return e, h }},
		{name: "a changed actor is altered", kind: Altered, seq: 1, id: "ev-1",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[0].ActorUserID = "user-2"; return e, h }},
		{name: "a back-dated time is altered", kind: Altered, seq: 4, id: "ev-4",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[3].At = e[3].At.Add(-time.Hour); return e, h }},
		{name: "a deleted middle row is missing", kind: Missing, seq: 3,
			tamper: func(e []Event, h Head) ([]Event, Head) { return append(e[:2:2], e[3:]...), h }},
		{name: "two deleted middle rows name the first", kind: Missing, seq: 2,
			tamper: func(e []Event, h Head) ([]Event, Head) { return append(e[:1:1], e[3:]...), h }},
		{name: "a deleted last row is a deleted tail", kind: TailDeleted, seq: 5,
			tamper: func(e []Event, h Head) ([]Event, Head) { return e[:4], h }},
		{name: "every row deleted is a deleted tail", kind: TailDeleted, seq: 1,
			tamper: func(e []Event, h Head) ([]Event, Head) { return nil, h }},
		{name: "a row rewritten with its hash recomputed breaks the next link", kind: BrokenLink, seq: 4, id: "ev-4",
			tamper: func(e []Event, h Head) ([]Event, Head) {
				e[2].Summary = `{"n":999}`
				e[2].Hash = Hash(e[2].PrevHash, e[2])
				return e, h
			}},
		{name: "a deleted row with later seqs renumbered breaks the link", kind: BrokenLink, seq: 3, id: "ev-4",
			tamper: func(e []Event, h Head) ([]Event, Head) {
				out := append(e[:2:2], e[3:]...)
				for i := 2; i < len(out); i++ {
					out[i].Seq--
				}
				return out, Head{Seq: h.Seq - 1, Hash: h.Hash}
			}},
		{name: "a first row with a prev hash is a broken link", kind: BrokenLink, seq: 1, id: "ev-1",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[0].PrevHash = strings.Repeat("0", 64); return e, h }},
		{name: "a last row rewritten with its hash recomputed mismatches the head", kind: HeadMismatch, seq: 5, id: "ev-5",
			tamper: func(e []Event, h Head) ([]Event, Head) {
				e[4].Summary = `{"n":999}`
				e[4].Hash = Hash(e[4].PrevHash, e[4])
				return e, h
			}},
		{name: "a row appended without moving the head is unchained", kind: Unchained, seq: 6,
			tamper: func(e []Event, h Head) ([]Event, Head) {
				extra := Event{ID: "ev-6", Seq: 6, At: e[4].At, Action: "x", Summary: "{}", PrevHash: h.Hash}
				extra.Hash = Hash(extra.PrevHash, extra)
				return append(e, extra), h
			}},
		{name: "a duplicated seq is a broken link", kind: BrokenLink, seq: 2, id: "ev-3",
			tamper: func(e []Event, h Head) ([]Event, Head) { e[2].Seq = 2; return e, h }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, head := tt.tamper(chain(5))
			p := VerifyChain(events, head)
			if tt.wantNil {
				if p != nil {
					t.Fatalf("want intact chain, got %v", p)
				}
				return
			}
			if p == nil {
				t.Fatalf("want %s at seq %d, got an intact chain", tt.kind, tt.seq)
			}
			if p.Kind != tt.kind || p.Seq != tt.seq || p.ID != tt.id {
				t.Fatalf("want %s at seq %d id %q, got %s at seq %d id %q (%s)", tt.kind, tt.seq, tt.id, p.Kind, p.Seq, p.ID, p.Detail)
			}
			if msg := p.Error(); !strings.Contains(msg, fmt.Sprintf("seq %d", tt.seq)) {
				t.Fatalf("the message does not name the seq: %s", msg)
			}
		})
	}
}

// The canonical form is the evidence format: if this test fails, old chains no longer verify.
func TestCanonicalEncodingIsFixed(t *testing.T) {
	e := Event{
		ID: "0190a1b2-0000-7000-8000-000000000001", Seq: 42,
		At:       time.Date(2025, 3, 15, 9, 30, 0, 120000000, time.FixedZone("BST", 3600)),
		TenantID: "org-a", ActorUserID: "user-1", ActorOrgID: "org-b", Action: "user.invited",
		ObjectType: "user", ObjectID: "u-9", Summary: `{"email":"a@b.nhs.uk","roles":["evaluator"]}`,
	}
	want := `{"v":1,"seq":42,"id":"0190a1b2-0000-7000-8000-000000000001","at":"2025-03-15T08:30:00.12Z",` +
		`"tenant_id":"org-a","actor_user_id":"user-1","actor_org_id":"org-b","action":"user.invited",` +
		`"object_type":"user","object_id":"u-9","summary":{"email":"a@b.nhs.uk","roles":["evaluator"]}}`
	if got := string(Canonical(e)); got != want {
		t.Fatalf("canonical encoding changed:\n got %s\nwant %s", got, want)
	}
	// The same digest as: printf 'abc%s' "$want" | sha256sum
	const wantHash = "016b63e6e16fbc415c8883b2809b684ca822f11c726ee74d4dc994456b44c033"
	if got := Hash("abc", e); got != wantHash {
		t.Fatalf("hash changed: got %s, want %s", got, wantHash)
	}
}

func TestCanonicalStringsEscapeOnlyWhatJSONRequires(t *testing.T) {
	tests := []struct{ in, want string }{
		{`plain`, `"plain"`},
		{`quote " and \ backslash`, `"quote \" and \\ backslash"`},
		{"tab\tnewline\ncr\r", `"tab\tnewline\ncr\r"`},
		{"bell\x07", `"bell\u0007"`},
		{"<script>&", `"<script>&"`},
		{"Zoë – café", `"Zoë – café"`},
	}
	for _, tt := range tests {
		if got := string(appendString(nil, tt.in)); got != tt.want {
			t.Errorf("appendString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSummaryJSONHasSortedKeysWhateverTheInput(t *testing.T) {
	type role struct {
		Zeta  string `json:"zeta"`
		Alpha int    `json:"alpha"`
	}
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil map is an empty object", map[string]any(nil), `{}`},
		{"keys sorted at every level", map[string]any{"b": 1, "a": map[string]any{"y": true, "x": nil}}, `{"a":{"x":null,"y":true},"b":1}`},
		{"struct fields sorted too", map[string]any{"role": role{Zeta: "z", Alpha: 1}}, `{"role":{"alpha":1,"zeta":"z"}}`},
		{"no HTML escaping", map[string]any{"name": "<b>&"}, `{"name":"<b>&"}`},
		{"large integers kept exactly", map[string]any{"pence": int64(9007199254740993)}, `{"pence":9007199254740993}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CanonicalJSON(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := CanonicalJSON(map[string]any{"f": func() {}}); err == nil {
		t.Fatal("a summary that cannot be JSON was accepted")
	}
}

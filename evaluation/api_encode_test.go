package evaluation

import (
	"io"
	"math/rand"
	"net/http/httptest"
	"testing"
	"testing/quick"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/web"
)

// EncodeJSON's answer, and writeModeration's (the moderation's own AppendJSON), must be
// c.JSON's, byte for byte, for every moderation answer: values
// made of testing/quick's random strings, numbers and flags, awkward strings among them
// (escapes, HTML, invalid UTF-8, the line separators JavaScript chokes on), nil and empty
// lists, nil pointers, and a time encoding/json refuses.
func TestEncodeJSONWritesCJSONsBytes(t *testing.T) {
	var v ModerationJSON
	app := fiber.New()
	app.Get("/c", func(c *fiber.Ctx) error { return c.JSON(&v) })
	app.Get("/e", func(c *fiber.Ctx) error { return web.EncodeJSON(c, &v) })
	app.Get("/a", func(c *fiber.Ctx) error { return writeModeration(c, &v) })
	get := func(path string) (int, string, string) {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	same := func() bool {
		cs, ct, cb := get("/c")
		for _, path := range []string{"/e", "/a"} {
			es, et, eb := get(path)
			if cs != es || ct != et || cb != eb {
				t.Errorf("%s: %d %s\n%s\nc.JSON: %d %s\n%s", path, es, et, eb, cs, ct, cb)
				return false
			}
		}
		return true
	}

	awkward := []string{"", "plain", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", `say "hi"`, `back\slash`, "<b>Smith & Sons</b>",
		"tab\there", "line\nbreak", "nul\x00", "del\x7f", "ctl\x1f", "café", "Ünïcödé 💷", "sep\u2028par\u2029",
		"bad\xffutf8", "half\xe2\x82", "lone\x80", "\ufffd", "{\"json\":[1]}"}
	check := func(strs []string, nums []int, flags []bool, secs []int64, seed int64) bool {
		rnd := rand.New(rand.NewSource(seed))
		str := func() string {
			if len(strs) > 0 && rnd.Intn(2) == 0 {
				return strs[rnd.Intn(len(strs))]
			}
			return awkward[rnd.Intn(len(awkward))]
		}
		num := func() int {
			if len(nums) == 0 {
				return rnd.Intn(11) - 1
			}
			return nums[rnd.Intn(len(nums))]
		}
		flag := func() bool { return rnd.Intn(2) == 0 }
		intp := func() *int {
			if flag() {
				return nil
			}
			n := num()
			return &n
		}
		boolp := func() *bool {
			if flag() {
				return nil
			}
			b := len(flags) > 0 && flags[rnd.Intn(len(flags))]
			return &b
		}
		at := func() time.Time {
			if len(secs) == 0 || flag() {
				return time.Time{}
			}
			// Within the years encoding/json writes, with nanoseconds and a zone.
			s := secs[rnd.Intn(len(secs))] % (200 * 365 * 24 * 3600)
			return time.Unix(1_000_000_000+s, int64(rnd.Intn(1e9))).In(time.FixedZone(str(), 3600*(rnd.Intn(25)-12)))
		}
		v = ModerationJSON{Question: QuestionJSON{ID: str(), Number: str(), Text: str(), Guidance: str(), Kind: "scored",
			MaxScore: num(), MinScore: num(), WordLimit: num()}}
		switch rnd.Intn(4) {
		case 0: // nil
		case 1:
			v.Bids = []ModeratedBidJSON{}
		default:
			for range rnd.Intn(6) {
				b := ModeratedBidJSON{OrgID: str(), Name: str(), Spread: num(), Wide: flag()}
				if flag() {
					b.Marks = []MarkJSON{}
				}
				for range rnd.Intn(5) {
					b.Marks = append(b.Marks, MarkJSON{UserID: str(), Evaluator: str(), Score: intp(), Passed: boolp(), Rationale: str()})
				}
				if flag() {
					b.Consensus = &ConsensusJSON{Score: intp(), Passed: boolp(), Rationale: str(), RecordedBy: str(), RecordedAt: at()}
				}
				v.Bids = append(v.Bids, b)
			}
		}
		return same()
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 300, Rand: rand.New(rand.NewSource(1))}); err != nil {
		t.Fatal(err)
	}

	// Every awkward string in every place, and a time encoding/json refuses (a year past 9999):
	// the same error answer.
	for _, s := range awkward {
		n, yes := 3, true
		v = ModerationJSON{Question: QuestionJSON{ID: s, Number: s, Text: s, Guidance: s, Kind: "pass_fail"}, Bids: []ModeratedBidJSON{
			{OrgID: s, Name: s, Marks: []MarkJSON{{UserID: s, Evaluator: s, Score: &n, Passed: &yes, Rationale: s}, {}},
				Consensus: &ConsensusJSON{Rationale: s, RecordedBy: s, RecordedAt: time.Date(2026, 12, 7, 4, 5, 6, 7, time.UTC)}},
			{Marks: []MarkJSON{}},
		}}
		if !same() {
			t.Fatalf("with %q", s)
		}
	}
	v = ModerationJSON{Bids: []ModeratedBidJSON{{Consensus: &ConsensusJSON{RecordedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}}}}
	if status, _, _ := get("/a"); status != fiber.StatusInternalServerError || !same() {
		t.Fatalf("a time past 9999: %d, want the same 500 as c.JSON's", status)
	}
}

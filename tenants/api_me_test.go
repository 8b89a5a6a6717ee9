package tenants

import (
	"io"
	"math/rand"
	"net/http/httptest"
	"testing"
	"testing/quick"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// GET /api/v1/me writes its body by hand (meBody): it must be what c.JSON wrote for MeJSON, byte
// for byte, with the same status and content type, for any actor: awkward strings (escapes,
// HTML, invalid UTF-8, the line separators JavaScript chokes on) and any roles, none included.
func TestMeBodyIsWhatEncodingJSONWrites(t *testing.T) {
	var a access.Actor
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error { web.SetActor(c, &a); return c.Next() })
	app.Get("/c", func(c *fiber.Ctx) error { // the handler as it was
		return c.JSON(MeJSON{ID: a.UserID, Name: a.Name, Email: a.Email, Roles: a.RoleKeys(),
			Organisation: OrgJSON{ID: a.OrgID, Name: a.OrgName, Kind: string(a.OrgKind)}})
	})
	app.Get("/me", (&API{}).me)
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
		ms, mt, mb := get("/me")
		if cs != ms || ct != mt || cb != mb {
			t.Errorf("me: %d %s\n%s\nc.JSON: %d %s\n%s", ms, mt, mb, cs, ct, cb)
			return false
		}
		return true
	}
	awkward := []string{"", "plain", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", `say "hi"`, `back\slash`, "<b>Smith & Sons</b>",
		"tab\there", "line\nbreak", "nul\x00", "del\x7f", "café", "Ünïcödé 💷", "sep\u2028par\u2029",
		"bad\xffutf8", "half\xe2\x82", "lone\x80", "o'brien@example.test"}
	check := func(strs []string, seed int64) bool {
		rnd := rand.New(rand.NewSource(seed))
		str := func() string {
			if len(strs) > 0 && rnd.Intn(2) == 0 {
				return strs[rnd.Intn(len(strs))]
			}
			return awkward[rnd.Intn(len(awkward))]
		}
		a = access.Actor{UserID: str(), Name: str(), Email: str(), OrgID: str(), OrgName: str(), OrgKind: access.OrgKind(str())}
		for _, r := range access.Roles {
			if rnd.Intn(3) == 0 {
				a.Roles = append(a.Roles, r)
			}
		}
		return same()
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 300}); err != nil {
		t.Fatal(err)
	}
	a = access.Actor{UserID: "u", Name: "n", Email: "e", OrgID: "o", OrgName: "on", OrgKind: access.Commissioner}
	if !same() { // an actor with no role at all: [], never null
		t.Fatal("no roles")
	}
}

package auditweb

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/audit"
	"golive/web"
)

// OpenAPI is this package's fragment of the API description ({"paths", "components"}), merged
// into /api/v1/openapi.json by the caller.
//
//go:embed openapi.json
var OpenAPI []byte

// MountAPI registers the JSON audit log on r, the group at /api/v1/audit. Roles are not checked
// here: the caller gives that group the casbin middleware.
func (h *Handlers) MountAPI(r fiber.Router) {
	r.Get("/", h.listAPI) // mounted at /api/v1/audit
}

// EventJSON is one event in the API: every stored field, so a client can recompute the hashes.
type EventJSON struct {
	ID          string          `json:"id"`
	Seq         int64           `json:"seq"`
	At          time.Time       `json:"at"`
	TenantID    string          `json:"tenant_id"`
	ActorUserID string          `json:"actor_user_id"`
	ActorOrgID  string          `json:"actor_org_id"`
	ActorName   string          `json:"actor_name,omitempty"`
	ActorEmail  string          `json:"actor_email,omitempty"`
	Action      string          `json:"action"`
	ObjectType  string          `json:"object_type"`
	ObjectID    string          `json:"object_id"`
	Summary     json.RawMessage `json:"summary"`
	PrevHash    string          `json:"prev_hash"`
	Hash        string          `json:"hash"`
}

// ListJSON is the response of GET /api/v1/audit.
type ListJSON struct {
	Events  []EventJSON `json:"events"`
	Limit   int         `json:"limit"`
	Offset  int         `json:"offset"`
	HasMore bool        `json:"has_more"`
}

var apiParams = map[string]bool{"object_type": true, "object_id": true, "user": true, "from": true, "to": true, "limit": true, "offset": true}

func (h *Handlers) listAPI(c *fiber.Ctx) error {
	ctx, err := requireActor(c, web.ActorFrom(c))
	if err != nil {
		return err
	}
	f, err := apiFilter(c.Queries())
	if err != nil {
		return err
	}
	rows, more, err := h.search(ctx, f)
	if err != nil {
		return err
	}
	out := ListJSON{Events: make([]EventJSON, len(rows)), Limit: f.Limit, Offset: f.Offset, HasMore: more}
	for i, r := range rows {
		summary := json.RawMessage(r.Summary)
		if !json.Valid(summary) { // only a tampered row; Verify names it, the listing still answers
			summary, _ = json.Marshal(r.Summary)
		}
		out.Events[i] = EventJSON{ID: r.ID, Seq: r.Seq, At: r.At.UTC(), TenantID: r.TenantID,
			ActorUserID: r.ActorUserID, ActorOrgID: r.ActorOrgID, ActorName: r.ActorName, ActorEmail: r.ActorEmail,
			Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Summary: summary,
			PrevHash: r.PrevHash, Hash: r.Hash}
	}
	return c.JSON(out)
}

// apiFilter reads the query parameters. Unknown ones are refused: a misspelt filter silently
// ignored would return the whole log and look like an answer.
func apiFilter(q map[string]string) (query, error) {
	errs := map[string]string{}
	for k := range q {
		if !apiParams[k] {
			errs[k] = "is not a query parameter of this request (use object_type, object_id, user, from, to, limit, offset)"
		}
	}
	f := textFilter(q["object_type"], q["object_id"], q["user"], [3]string{"object_type", "object_id", "user"}, errs)
	if s := strings.TrimSpace(q["from"]); s != "" {
		if t, ok := apiTime(s, false); ok {
			f.From = t
		} else {
			errs["from"] = "must be a date like 2025-03-15 or a time like 2025-03-15T09:30:00Z"
		}
	}
	if s := strings.TrimSpace(q["to"]); s != "" {
		if t, ok := apiTime(s, true); ok {
			f.To = t
		} else {
			errs["to"] = "must be a date like 2025-03-15 (the whole day is included) or a time like 2025-03-15T17:00:00Z"
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs["to"] = "must be after from"
	}
	f.Limit = audit.DefaultLimit
	if s := q["limit"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > audit.MaxLimit {
			errs["limit"] = fmt.Sprintf("must be a whole number from 1 to %d", audit.MaxLimit)
		}
		f.Limit = n
	}
	if s := q["offset"]; s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > maxPage*pageSize {
			errs["offset"] = fmt.Sprintf("must be a whole number from 0 to %d", maxPage*pageSize)
		}
		f.Offset = n
	}
	if len(errs) > 0 {
		return query{}, apperr.InvalidFields(errs)
	}
	return f, nil
}

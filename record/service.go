package record

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"mime"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"
	"gorm.io/gorm"

	"golive/audit"
	"golive/tenants"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// Service makes the record of a procurement.
type Service struct {
	DB        *gorm.DB
	Headers   Headers    // lots: the procurement, and who may export its record
	Providers []Provider // lots, evaluation, award … in the order the index lists them
	People    *tenants.Directory
	Now       func() time.Time
}

// Archive is a record ready to download.
type Archive struct {
	Name           string // record-<reference>.zip
	Body           []byte
	ManifestSHA256 string
}

// Export assembles the record of a procurement and audits the download, in that order: the
// export event carries the SHA-256 of the manifest and of the whole archive, and an archive
// whose event could not be recorded is not handed out.
func (s *Service) Export(ctx context.Context, a *access.Actor, procurementID string) (Archive, error) {
	h, err := s.Headers.RecordHeader(ctx, a, procurementID)
	if err != nil {
		return Archive{}, err
	}
	// The head first, then the events up to it: every row up to a committed head is committed.
	head, err := audit.ReadHead(ctx, s.DB)
	if err != nil {
		return Archive{}, fmt.Errorf("export the record of %s: %w", h.ProcurementID, err)
	}
	events, err := audit.EventsOfObjects(ctx, s.DB, append([]string{h.ProcurementID}, h.ObjectIDs...), head.Seq)
	if err != nil {
		return Archive{}, fmt.Errorf("export the record of %s: %w", h.ProcurementID, err)
	}
	c := contents{header: h, exportedAt: s.Now(), exportedBy: a.Name, head: head, events: events}
	for _, p := range s.Providers {
		secs, err := p.RecordSections(ctx, a, h.ProcurementID)
		if err != nil {
			return Archive{}, err
		}
		c.sections = append(c.sections, secs...)
	}
	if c.eventsCSV, err = s.eventsCSV(ctx, events); err != nil {
		return Archive{}, err
	}
	body, manifestSum, err := build(c)
	if err != nil {
		return Archive{}, fmt.Errorf("export the record of %s: %w", h.ProcurementID, err)
	}
	err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return audit.Record(ctx, tx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: h.LeadOrgID,
			Action: ExportAction, ObjectType: "procurement", ObjectID: h.ProcurementID,
			Summary: map[string]any{"manifest_sha256": manifestSum, "archive_sha256": sum(body), "chain_head_seq": head.Seq, "events": len(events), "bytes": len(body)}})
	})
	if err != nil {
		return Archive{}, fmt.Errorf("record the export of the record of %s: %w", h.ProcurementID, err)
	}
	return Archive{Name: archiveName(h.Reference), Body: body, ManifestSHA256: manifestSum}, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func archiveName(ref string) string {
	ref = unsafeName.ReplaceAllString(ref, "-")
	if len(ref) > 60 {
		ref = ref[:60]
	}
	if ref == "" {
		return "record.zip"
	}
	return "record-" + ref + ".zip"
}

// eventsCSV is the events as people read them: names for ids, UK time.
func (s *Service) eventsCSV(ctx context.Context, events []audit.Event) ([]byte, error) {
	var users, orgs []string
	for _, e := range events {
		users, orgs = append(users, e.ActorUserID), append(orgs, e.ActorOrgID)
	}
	unames, err := s.People.Names(ctx, users)
	if err != nil {
		return nil, fmt.Errorf("name the audit events' actors: %w", err)
	}
	onames, err := s.People.OrgNames(ctx, orgs)
	if err != nil {
		return nil, fmt.Errorf("name the audit events' organisations: %w", err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"seq", "when_uk", "who", "organisation", "action", "object_type", "object_id", "summary", "hash"})
	for _, e := range events {
		_ = w.Write([]string{fmt.Sprint(e.Seq), e.At.In(ukclock.London).Format("2006-01-02 15:04:05"), CSVSafe(unames[e.ActorUserID]),
			CSVSafe(onames[e.ActorOrgID]), e.Action, e.ObjectType, e.ObjectID, CSVSafe(e.Summary), e.Hash})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write audit events csv: %w", err)
	}
	return b.Bytes(), nil
}

// CSVSafe prefixes a field a spreadsheet would run as a formula with ', as the evaluation's
// export does: records are opened by people in spreadsheets.
func CSVSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// CSV writes a header and rows as CSV, each field made safe for spreadsheets.
func CSV(header []string, rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	for _, r := range rows {
		safe := make([]string, len(r))
		for i, f := range r {
			safe[i] = CSVSafe(f)
		}
		_ = w.Write(safe)
	}
	w.Flush() // writing to memory does not fail
	return b.Bytes()
}

// UKTime is an instant as the record's files show it; "" for none.
func UKTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(ukclock.London).Format("2006-01-02 15:04")
}

// --- HTTP ---

// Handlers serve the download as a page link and an API route.
type Handlers struct{ Svc *Service }

// Mount registers /procurements/:id/record.zip on app and on api (the same handler: a download
// is a download).
func (h *Handlers) Mount(app, api fiber.Router, guard web.Guard) {
	export := guard(access.PermRecordExport)
	app.Get("/procurements/:id/record.zip", export, h.download)
	api.Get("/procurements/:id/record.zip", export, h.download)
}

func (h *Handlers) download(c *fiber.Ctx) error {
	ar, err := h.Svc.Export(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": ar.Name}))
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "private, no-store") // scores and prices: never kept by a cache
	c.Set("X-Record-Manifest-Sha256", ar.ManifestSHA256)
	return c.Send(ar.Body)
}

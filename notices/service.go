package notices

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"golive/audit"
)

// Service publishes and reads notices.
type Service struct {
	Store  *Store
	Source Source
	// Prefix is the OCID prefix (GOLIVE_OCID_PREFIX), e.g. "ocds-abc123".
	Prefix  string
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
}

// sameContent reports whether two releases say the same, whatever their ids and dates: a hook
// run twice publishes nothing new, while a changed fact publishes a correcting release.
func sameContent(a, b string) bool {
	norm := func(s string) string {
		var m map[string]any
		if json.Unmarshal([]byte(s), &m) != nil {
			return s
		}
		delete(m, "id")
		delete(m, "date")
		return string(jsonOf(m))
	}
	return norm(a) == norm(b)
}

// publish stores r as a notice of kind k for the procurement's lot, unless the latest such
// notice says the same. The first publication is dated by its event; a correction by now.
func (s *Service) publish(ctx context.Context, p Process, lotID string, k Kind, r Release) error {
	title := Title(k, p.Regime)
	if title == "" {
		return nil
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		prev, err := tx.Latest(ctx, p.ProcurementID, lotID, k)
		if err != nil {
			return err
		}
		if prev != nil {
			if sameContent(prev.Body, string(jsonOf(r))) {
				return nil
			}
			r.Date = stamp(s.Now())
		}
		names := []string{p.Title, p.Reference, title, p.Lead.Name, p.Description}
		for _, b := range p.Buyers {
			names = append(names, b.Name)
		}
		n := &Notice{OCID: r.OCID, ProcurementID: p.ProcurementID, LotID: lotID, Kind: k, Regime: p.Regime,
			Title: title + ": " + p.Title, Buyer: p.Lead.Name, SearchText: strings.ToLower(strings.Join(names, " ")),
			PublishedAt: mustTime(r.Date)}
		if lt := lotTitle(p, lotID); lt != "" {
			n.Title += " (" + lt + ")"
		}
		if err := tx.Add(ctx, n, func(seq int64) (string, string) {
			r.ID = fmt.Sprintf("%s-%06d-%s", r.OCID, seq, k)
			return r.ID, string(jsonOf(r))
		}); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{TenantID: p.Lead.ID, Action: "notice.published", ObjectType: "procurement", ObjectID: p.ProcurementID,
			Summary: map[string]any{"release": n.ID, "kind": string(k), "lot": lotID, "correction": prev != nil}})
	})
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// TenderPublished publishes the tender notice of a procurement just published.
func (s *Service) TenderPublished(ctx context.Context, procurementID string) error {
	p, err := s.Source.Process(ctx, procurementID)
	if err != nil {
		return fmt.Errorf("tender notice of %s: %w", procurementID, err)
	}
	if p.PublishedAt == nil {
		return nil
	}
	return s.publish(ctx, p, "", KindTender, TenderRelease(s.Prefix, p))
}

func (s *Service) lotProcess(ctx context.Context, lotID string) (Process, error) {
	id, err := s.Source.ProcurementOfLot(ctx, lotID)
	if err != nil {
		return Process{}, err
	}
	return s.Source.Process(ctx, id)
}

// StandstillStarted publishes a lot's award notice, where the regime publishes one.
func (s *Service) StandstillStarted(ctx context.Context, lotID string) error {
	p, err := s.lotProcess(ctx, lotID)
	if err != nil {
		return fmt.Errorf("award notice of lot %s: %w", lotID, err)
	}
	a, err := s.Source.Award(ctx, lotID)
	if err != nil || a == nil {
		return err
	}
	return s.publish(ctx, p, lotID, KindAward, AwardRelease(s.Prefix, p, *a))
}

// ContractAwarded publishes a lot's contract notice.
func (s *Service) ContractAwarded(ctx context.Context, lotID string) error {
	p, err := s.lotProcess(ctx, lotID)
	if err != nil {
		return fmt.Errorf("contract notice of lot %s: %w", lotID, err)
	}
	c, err := s.Source.Contract(ctx, lotID)
	if err != nil || c == nil {
		return err
	}
	return s.publish(ctx, p, lotID, KindContract, ContractRelease(s.Prefix, p, *c))
}

// PhaseLive publishes a lot's implementation notice: its go-lives, met and to come.
func (s *Service) PhaseLive(ctx context.Context, lotID string) error {
	p, err := s.lotProcess(ctx, lotID)
	if err != nil {
		return fmt.Errorf("implementation notice of lot %s: %w", lotID, err)
	}
	im, err := s.Source.Implementation(ctx, lotID)
	if err != nil || im == nil {
		return err
	}
	var date time.Time
	for _, ph := range im.Phases {
		if ph.LiveAt != nil && ph.LiveAt.After(date) {
			date = *ph.LiveAt
		}
	}
	if date.IsZero() {
		return nil
	}
	return s.publish(ctx, p, lotID, KindImplementation, ImplementationRelease(s.Prefix, p, *im, date))
}

// Hook runs a publication after a lifecycle event, logging a failure: the event stands, and the
// notice is published the next time the hook runs for it (every publication is idempotent).
func (s *Service) Hook(what string, fn func(context.Context, string) error) func(context.Context, string) {
	return func(ctx context.Context, id string) {
		if err := fn(ctx, id); err != nil && s.Log != nil {
			s.Log.Warn("publish the "+what+" notice", "id", id, "err", err)
		}
	}
}

// --- reading ---

// PageSize is the notices per page of /notices; PackageSize the releases per release package.
const (
	PageSize    = 20
	PackageSize = 100
)

// List is one page of the public list, newest first.
func (s *Service) List(ctx context.Context, query string, page int) ([]Notice, int64, error) {
	if page < 1 {
		page = 1
	}
	return s.Store.Page(ctx, query, (page-1)*PageSize, PageSize)
}

// Get is one notice.
func (s *Service) Get(ctx context.Context, id string) (Notice, error) { return s.Store.Get(ctx, id) }

// publisher is the package's publisher: the portal.
func (s *Service) publisher() map[string]any {
	return map[string]any{"name": "golive NHS procurement portal", "uri": s.BaseURL}
}

// ReleasePackage is page (from 1) of every release, oldest first, as an OCDS release package;
// more reports whether a next page exists. An empty page is a package without releases, which
// the schema refuses, so the caller answers 404 for it.
func (s *Service) ReleasePackage(ctx context.Context, page int) ([]byte, bool, error) {
	if page < 1 {
		page = 1
	}
	ns, total, err := s.Store.InOrder(ctx, (page-1)*PackageSize, PackageSize)
	if err != nil || len(ns) == 0 {
		return nil, false, err
	}
	rels := make([]json.RawMessage, len(ns))
	published := ns[0].PublishedAt
	for i, n := range ns {
		rels[i] = json.RawMessage(n.Body)
		if n.PublishedAt.After(published) {
			published = n.PublishedAt
		}
	}
	pkg := map[string]any{
		"uri":           fmt.Sprintf("%s/api/v1/ocds/releases?page=%d", s.BaseURL, page),
		"version":       "1.1",
		"extensions":    Extensions,
		"publishedDate": stamp(published),
		"publisher":     s.publisher(),
		"releases":      rels,
	}
	return jsonOf(pkg), int64(page*PackageSize) < total, nil
}

// RecordPackage is the record of one contracting process: its releases and their merge.
func (s *Service) RecordPackage(ctx context.Context, ocid string) ([]byte, error) {
	ns, err := s.Store.OfProcess(ctx, ocid)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, errNotFound
	}
	rels := make([]json.RawMessage, len(ns))
	bodies := make([]string, len(ns))
	for i, n := range ns {
		rels[i], bodies[i] = json.RawMessage(n.Body), n.Body
	}
	pkg := map[string]any{
		"uri":           s.BaseURL + "/api/v1/ocds/records/" + ocid,
		"version":       "1.1",
		"extensions":    Extensions,
		"publishedDate": stamp(ns[len(ns)-1].PublishedAt),
		"publisher":     s.publisher(),
		"records":       []any{map[string]any{"ocid": ocid, "releases": rels, "compiledRelease": compile(ocid, bodies)}},
	}
	return jsonOf(pkg), nil
}

package lots

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/jobs"
	"golive/tenants"
	"golive/tenants/access"
)

// Store is the only file of lots that talks to the database. Commissioner reads are scoped to
// the procurements the acting organisation takes part in; bidder reads to its own rows.
type Store struct {
	db *gorm.DB
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction: state, audit event and queued mail commit together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Audit appends an audit event in the transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

// Unseal lifts the seal on the audit events and mail of a procurement whose bids are opened.
func (s *Store) Unseal(ctx context.Context, procurementID string) error {
	if err := audit.Unseal(ctx, s.db, procurementID); err != nil {
		return err
	}
	return jobs.Unseal(ctx, s.db, procurementID)
}

// QueueMail writes a mail to the outbox in the transaction.
func (s *Store) QueueMail(ctx context.Context, m jobs.Mail) (string, error) {
	return jobs.QueueMail(ctx, s.db, m)
}

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf("%s not found", what)
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	return nil
}

func (s *Store) create(ctx context.Context, what string, v any) error {
	if err := s.q(ctx).Create(v).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("That %s already exists", what)
		}
		return fmt.Errorf("create %s: %w", what, err)
	}
	return nil
}

func (s *Store) save(ctx context.Context, what string, v any) error {
	if err := s.q(ctx).Save(v).Error; err != nil {
		return fmt.Errorf("save %s: %w", what, err)
	}
	return nil
}

// --- procurements (commissioner side: scoped to participation) ---

// participating limits procurements to those the acting organisation takes part in.
func participating(ctx context.Context) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		cond, err := participation(ctx, db)
		if err != nil {
			_ = db.AddError(err)
			return db
		}
		return db.Where(cond)
	}
}

// participation is participating's condition on procurements.id, for a WHERE or a join's ON.
func participation(ctx context.Context, db *gorm.DB) (clause.Expr, error) {
	sub := db.Session(&gorm.Session{NewDB: true}).Table("participants").Select("procurement_id").Scopes(database.Tenant(ctx, "org_id"))
	if sub.Error != nil {
		return clause.Expr{}, sub.Error
	}
	return clause.Expr{SQL: "procurements.id IN (?)", Vars: []any{sub}}, nil
}

// Procurement loads a procurement the acting organisation takes part in; any other is not found.
func (s *Store) Procurement(ctx context.Context, id string) (Procurement, error) {
	return database.Memoize(ctx, s.db, "procurements.participating|"+id, cloneProcurement, func() (Procurement, error) {
		return s.procurementWithOpening(ctx, s.q(ctx).Scopes(participating(ctx)), id)
	})
}

// procurementWithOpening loads procurement id through q with its opening record in the same
// statement: every read of a lot's evaluation asks whether its procurement has been opened. The
// opening goes into the request's memo for Opening.
func (s *Store) procurementWithOpening(ctx context.Context, q *gorm.DB, id string) (Procurement, error) {
	ps, err := s.withOpenings(ctx, q.Where("procurements.id = ?", id).Limit(1))
	if err != nil {
		return Procurement{}, fmt.Errorf("load procurement %s: %w", id, err)
	}
	if len(ps) == 0 {
		return Procurement{}, notFound(gorm.ErrRecordNotFound, "Procurement")
	}
	return ps[0], nil
}

// withOpenings loads the procurements q selects, each with its opening record read in the same
// statement and put into the request's memo for Opening.
func (s *Store) withOpenings(ctx context.Context, q *gorm.DB) ([]Procurement, error) {
	var rows []struct {
		Procurement
		O joinedOpening `gorm:"embedded;embeddedPrefix:o_"`
	}
	err := q.Model(&Procurement{}).Select("procurements.*, " + joinedOpeningColumns).
		Joins("LEFT JOIN openings ON openings.procurement_id = procurements.id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Procurement, len(rows))
	for i, r := range rows {
		database.MemoPut(ctx, s.db, "openings|"+r.ID, r.O.opening())
		out[i] = r.Procurement
	}
	return out, nil
}

// joinedOpening is a procurement's opening record read in a LEFT JOIN (all nil when there is none),
// selected by joinedOpeningColumns.
type joinedOpening struct {
	ProcurementID, StartedBy, ConfirmedBy *string
	StartedAt, ConfirmedAt                *time.Time
}

const joinedOpeningColumns = `openings.procurement_id AS o_procurement_id,
		openings.started_by AS o_started_by, openings.started_at AS o_started_at,
		openings.confirmed_by AS o_confirmed_by, openings.confirmed_at AS o_confirmed_at`

// opening is the record, or nil.
func (j joinedOpening) opening() *Opening {
	if j.ProcurementID == nil || j.StartedAt == nil {
		return nil
	}
	o := &Opening{ProcurementID: *j.ProcurementID, StartedAt: *j.StartedAt, ConfirmedAt: j.ConfirmedAt}
	if j.StartedBy != nil {
		o.StartedBy = *j.StartedBy
	}
	if j.ConfirmedBy != nil {
		o.ConfirmedBy = *j.ConfirmedBy
	}
	return o
}

// The memo's copies (database.Memoize): what a caller could change in a row two loads share.
func cloneProcurement(p Procurement) Procurement {
	p.WrappedKey = slices.Clone(p.WrappedKey)
	return p
}

func cloneLot(l Lot) Lot {
	l.Participants = slices.Clone(l.Participants)
	return l
}

// ProcurementForUpdate loads it and locks its row until the transaction ends, so two state
// changes cannot interleave (PostgreSQL; SQLite has one writer anyway).
func (s *Store) ProcurementForUpdate(ctx context.Context, id string) (Procurement, error) {
	var p Procurement
	q := s.q(ctx).Scopes(participating(ctx)).Where("id = ?", id)
	if s.db.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&p).Error
	return p, notFound(err, "Procurement")
}

// Procurements lists those the acting organisation takes part in, newest first.
//
// The dashboard's task lists each ask for them (once a request, with their openings, which each
// procurement's state needs).
func (s *Store) Procurements(ctx context.Context) ([]Procurement, error) {
	return database.Memoize(ctx, s.db, "procurements.participating", cloneProcurements, func() ([]Procurement, error) {
		out, err := s.withOpenings(ctx, s.q(ctx).Scopes(participating(ctx)).Order("procurements.created_at DESC, procurements.id"))
		if err != nil {
			return nil, fmt.Errorf("list procurements: %w", err)
		}
		return out, nil
	})
}

func cloneProcurements(ps []Procurement) []Procurement {
	out := make([]Procurement, len(ps))
	for i, p := range ps {
		out[i] = cloneProcurement(p)
	}
	return out
}

// LotCounts says how many lots each of the given procurements has.
func (s *Store) LotCounts(ctx context.Context, procurementIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(procurementIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ProcurementID string
		N             int
	}
	if err := s.q(ctx).Model(&Lot{}).Select("procurement_id, COUNT(*) AS n").
		Where("procurement_id IN ?", procurementIDs).Group("procurement_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count lots of %d procurements: %w", len(procurementIDs), err)
	}
	for _, r := range rows {
		out[r.ProcurementID] = r.N
	}
	return out, nil
}

// CreateProcurement inserts a procurement with its participants.
func (s *Store) CreateProcurement(ctx context.Context, p *Procurement, participants []string) error {
	if err := s.q(ctx).Create(p).Error; err != nil {
		return referenceTaken(err, "create procurement")
	}
	return s.SetParticipants(ctx, p.ID, participants)
}

// SaveProcurement writes every field but the wrapped key, which is written once at creation and
// then only by a key rotation (RewrapKey): a service that loaded the row before a rotation
// re-wrapped it must not put the old wrapping back.
func (s *Store) SaveProcurement(ctx context.Context, p *Procurement) error {
	if err := s.q(ctx).Omit("wrapped_key", "key_id").Save(p).Error; err != nil {
		return referenceTaken(err, "save procurement")
	}
	return nil
}

// referenceTaken turns the unique index on (lead, lower(reference)) into a conflict on the
// reference field: a lead's references are unique whatever their case (migration 00014).
func referenceTaken(err error, what string) error {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		msg := "Your organisation already has a procurement with this reference: choose another"
		return &apperr.Error{Kind: apperr.Conflict, Message: "That procurement reference already exists",
			Fields: map[string]string{"reference": msg}}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// SetParticipants replaces the participating commissioners.
func (s *Store) SetParticipants(ctx context.Context, procurementID string, orgs []string) error {
	if err := s.q(ctx).Where("procurement_id = ?", procurementID).Delete(&Participant{}).Error; err != nil {
		return fmt.Errorf("clear participants: %w", err)
	}
	for _, o := range orgs {
		if err := s.create(ctx, "participant", &Participant{ProcurementID: procurementID, OrgID: o}); err != nil {
			return err
		}
	}
	return nil
}

// ParticipantOrgs lists the commissioners taking part in a procurement, by id.
func (s *Store) ParticipantOrgs(ctx context.Context, procurementID string) ([]string, error) {
	var out []string
	if err := s.q(ctx).Model(&Participant{}).Where("procurement_id = ?", procurementID).Order("org_id").Pluck("org_id", &out).Error; err != nil {
		return nil, fmt.Errorf("participants of %s: %w", procurementID, err)
	}
	return out, nil
}

// Participants lists the commissioners of a procurement with their names, by name.
func (s *Store) Participants(ctx context.Context, procurementID string) ([]Participant, error) {
	orgs, err := s.ParticipantOrgs(ctx, procurementID)
	if err != nil {
		return nil, err
	}
	names, err := s.OrgNames(ctx, orgs)
	if err != nil {
		return nil, err
	}
	return namedParticipants(procurementID, orgs, names), nil
}

// namedParticipants are a procurement's commissioners orgs with their names, by name.
func namedParticipants(procurementID string, orgs []string, names map[string]string) []Participant {
	out := make([]Participant, len(orgs))
	for i, o := range orgs {
		out[i] = Participant{ProcurementID: procurementID, OrgID: o, OrgName: names[o]}
	}
	slices.SortStableFunc(out, func(a, b Participant) int { return strings.Compare(a.OrgName, b.OrgName) })
	return out
}

// people is tenants' directory on the store's connection (inside Tx, the transaction's): who
// people and organisations are is tenants' to answer.
func (s *Store) people() *tenants.Directory { return tenants.DirectoryOn(s.db) }

// OrgNames maps organisation ids to names.
func (s *Store) OrgNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.people().OrgNames(ctx, ids)
}

// PeopleNames maps user ids to names.
func (s *Store) PeopleNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.people().Names(ctx, ids)
}

// Commissioners lists every commissioner organisation by name (to choose participants from).
func (s *Store) Commissioners(ctx context.Context) ([]Participant, error) {
	orgs, err := s.people().OrganisationsOfKind(ctx, access.Commissioner)
	if err != nil {
		return nil, err
	}
	out := make([]Participant, len(orgs))
	for i, o := range orgs {
		out[i] = Participant{OrgID: o.ID, OrgName: o.Name}
	}
	return out, nil
}

// --- lots, sites, phases, questionnaire ---

// Lots lists a procurement's lots with their participants.
func (s *Store) Lots(ctx context.Context, procurementID string) ([]Lot, error) {
	out, err := s.lotsWith(ctx, "lots.procurement_id = ?", procurementID)
	if err != nil {
		return nil, fmt.Errorf("list lots: %w", err)
	}
	return out, nil
}

// lotsWith lists the lots where says, by number, each with its participants read in the same
// statement (group_concat / string_agg, sorted here), and puts their participants into the
// request's memo for LotsParticipants.
func (s *Store) lotsWith(ctx context.Context, where string, args ...any) ([]Lot, error) {
	var rows []struct {
		Lot
		ParticipantIDs *string
	}
	err := s.q(ctx).Model(&Lot{}).Select("lots.*, "+s.participantIDs()+" AS participant_ids").
		Where(where, args...).Order("lots.number, lots.id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Lot, len(rows))
	for i, r := range rows {
		out[i] = r.Lot
		out[i].Participants = splitParticipants(r.ParticipantIDs)
		database.MemoPut(ctx, s.db, "lot_participants|"+r.ID, slices.Clone(out[i].Participants))
	}
	return out, nil
}

// participantIDs is a lot's participants as one column, by comma (group_concat / string_agg).
func (s *Store) participantIDs() string {
	if s.db.Dialector.Name() == "postgres" {
		return participantIDsPostgres
	}
	return participantIDsSQLite
}

const (
	participantIDsPostgres = "(SELECT string_agg(org_id, ',') FROM lot_participants WHERE lot_participants.lot_id = lots.id)"
	participantIDsSQLite   = "(SELECT group_concat(org_id, ',') FROM lot_participants WHERE lot_participants.lot_id = lots.id)"
)

// splitParticipants reads participantIDs' column, sorted (nil for none).
func splitParticipants(ids *string) []string {
	if ids == nil || *ids == "" {
		return nil
	}
	out := strings.Split(*ids, ",")
	slices.Sort(out)
	return out
}

// LotContents is what the lots' pages show of each lot: sites, phases, sections and questions.
type LotContents struct {
	Sites     []Site
	Phases    []Phase
	Sections  []Section
	Questions []Question
}

// Contents loads the sites, phases, sections and questions of many lots in one statement (in
// the orders Sites, Phases, Sections and Questions give one lot's).
func (s *Store) Contents(ctx context.Context, lotIDs []string) (map[string]*LotContents, error) {
	out := make(map[string]*LotContents, len(lotIDs))
	for _, id := range lotIDs {
		out[id] = &LotContents{}
	}
	if len(lotIDs) == 0 {
		return out, nil
	}
	var c LotContents
	if err := database.FindAll(ctx, s.db, contentFinds(&c, lotIDs)...); err != nil {
		return nil, fmt.Errorf("contents of lots %v: %w", lotIDs, err)
	}
	c.spread(out)
	return out, nil
}

// contentFinds are Contents' reads, for FindAll.
func contentFinds(c *LotContents, lotIDs []string) []database.Find {
	return []database.Find{
		{Dest: &c.Sites, Where: "lot_id IN ?", Args: []any{lotIDs}, Order: "lot_id, name"},
		{Dest: &c.Phases, Where: "lot_id IN ?", Args: []any{lotIDs}, Order: "lot_id, go_live, name"},
		{Dest: &c.Sections, Where: "lot_id IN ?", Args: []any{lotIDs}, Order: "lot_id, position"},
		{Dest: &c.Questions, Where: "lot_id IN ?", Args: []any{lotIDs}, Order: "lot_id, position"},
	}
}

// spread shares out the contents of many lots, read together, to each lot's.
func (c *LotContents) spread(out map[string]*LotContents) {
	for _, x := range c.Sites {
		out[x.LotID].Sites = append(out[x.LotID].Sites, x)
	}
	for _, x := range c.Phases {
		out[x.LotID].Phases = append(out[x.LotID].Phases, x)
	}
	for _, x := range c.Sections {
		out[x.LotID].Sections = append(out[x.LotID].Sections, x)
	}
	for _, x := range c.Questions {
		out[x.LotID].Questions = append(out[x.LotID].Questions, x)
	}
}

// Records is what a procurement's page shows besides the procurement and its lots.
type Records struct {
	ParticipantOrgs []string     // by id
	Counted         []Submission // as Counted gives them, without their envelopes
	Contents        map[string]*LotContents
	Approvals       []Approval
	Documents       []Document // without their content
	Interests       []Interest
	Clarifications  []Clarification
	Addenda         []Addendum
}

// Records loads a procurement's records, and the contents of its lots lotIDs, in one statement
// (issue 17: the procurement page's queries do not grow with its lots, nor with its tables).
func (s *Store) Records(ctx context.Context, procurementID string, lotIDs []string) (Records, error) {
	out := Records{Contents: make(map[string]*LotContents, len(lotIDs))}
	for _, id := range lotIDs {
		out.Contents[id] = &LotContents{}
	}
	var (
		parts    []Participant
		subs     []Submission
		contents LotContents
	)
	byProcurement := func(dest any, order string, omit ...string) database.Find {
		return database.Find{Dest: dest, Where: "procurement_id = ?", Args: []any{procurementID}, Order: order, Omit: omit}
	}
	finds := []database.Find{
		byProcurement(&parts, "org_id"),
		byProcurement(&subs, "lot_id, bidder_org_id, version", "answers_sealed", "price_sealed"),
		byProcurement(&out.Approvals, "decided_at"),
		byProcurement(&out.Documents, "uploaded_at", "content"),
		byProcurement(&out.Interests, "registered_at"),
		byProcurement(&out.Clarifications, "number"),
		byProcurement(&out.Addenda, "number"),
	}
	if len(lotIDs) > 0 {
		finds = append(finds, contentFinds(&contents, lotIDs)...)
	}
	if err := database.FindAll(ctx, s.db, finds...); err != nil {
		return out, fmt.Errorf("records of procurement %s: %w", procurementID, err)
	}
	for _, p := range parts {
		out.ParticipantOrgs = append(out.ParticipantOrgs, p.OrgID)
	}
	out.Counted = LastCounted(subs)
	contents.spread(out.Contents)
	return out, nil
}

// Lot loads a lot and its procurement id; visibility is checked on the procurement.
func (s *Store) Lot(ctx context.Context, id string) (Lot, error) { return s.lotRow(ctx, id) }

// lotRow loads a lot with its participants in one statement, once a request (database.Memoize).
func (s *Store) lotRow(ctx context.Context, id string) (Lot, error) {
	return database.Memoize(ctx, s.db, "lots|"+id, cloneLot, func() (Lot, error) {
		ls, err := s.lotsWith(ctx, "lots.id = ?", id)
		if err != nil {
			return Lot{}, fmt.Errorf("load lot %s: %w", id, err)
		}
		if len(ls) == 0 {
			return Lot{}, notFound(gorm.ErrRecordNotFound, "Lot")
		}
		return ls[0], nil
	})
}

// lotWithProcurement loads a lot with its participants and, in the same statement, its
// procurement with its opening record when the acting organisation takes part in it (as
// Procurement): every page of a lot reads both. When it takes no part, the lot comes back with
// Procurement's "Procurement not found"; a lot that does not exist is "Lot not found". What it
// reads goes into the request's memo, for Lot, Procurement and Opening, and a second call in
// the request reads nothing.
func (s *Store) lotWithProcurement(ctx context.Context, id string) (Lot, Procurement, error) {
	if database.Memoised(ctx, s.db, "lots|"+id) {
		l, err := s.lotRow(ctx, id)
		if err != nil {
			return l, Procurement{}, err
		}
		p, err := s.Procurement(ctx, l.ProcurementID)
		return l, p, err
	}
	b := database.NewBatch(s.db)
	get := s.queueLotWithProcurement(ctx, b, id)
	if err := b.Send(ctx); err != nil {
		return Lot{}, Procurement{}, fmt.Errorf("load lot %s with its procurement: %w", id, err)
	}
	return get()
}

// queueLotWithProcurement queues lotWithProcurement's statement in b; get gives what it read,
// and puts it in the request's memo, once b is sent.
func (s *Store) queueLotWithProcurement(ctx context.Context, b *database.Batch, id string) (get func() (Lot, Procurement, error)) {
	org, err := database.TenantArg(ctx)
	if err != nil {
		return func() (Lot, Procurement, error) {
			return Lot{}, Procurement{}, fmt.Errorf("load lot %s: %w", id, err)
		}
	}
	q := lotWithProcurementSQLite
	if s.db.Dialector.Name() == "postgres" {
		q = lotWithProcurementPostgres
	}
	r := &lotProcurementRow{} // one allocation: every field's address is given to Scan
	found := false
	q.Queue(b, []any{org, id}, func(row database.Row) error {
		found = true
		return row.Scan(r.dest()...)
	})
	return func() (Lot, Procurement, error) {
		if !found {
			return Lot{}, Procurement{}, notFound(gorm.ErrRecordNotFound, "Lot")
		}
		l := r.l
		if r.participantIDs.Valid {
			l.Participants = splitParticipants(&r.participantIDs.String)
		}
		database.MemoPut(ctx, s.db, "lot_participants|"+l.ID, slices.Clone(l.Participants))
		database.MemoPut(ctx, s.db, "lots|"+l.ID, cloneLot(l))
		if !r.p.id.Valid {
			return l, Procurement{}, notFound(gorm.ErrRecordNotFound, "Procurement")
		}
		p := r.p.procurement()
		database.MemoPut(ctx, s.db, "openings|"+p.ID, r.o.opening())
		database.MemoPut(ctx, s.db, "procurements.participating|"+p.ID, cloneProcurement(p))
		return l, p, nil
	}
}

// lotWithProcurement's statement, written once for each dialect (the participants' aggregate
// differs): GORM built the statement again on every call, a byte at a time, and allocated a
// slice of twenty rows to scan one into. Its columns are in lotProcurementRow.dest's order. The
// procurement is joined only when the acting organisation takes part in it, as participation
// scopes every other read of a procurement.
var (
	lotWithProcurementPostgres = database.NewRead(fmt.Sprintf(lotWithProcurementSQL, participantIDsPostgres))
	lotWithProcurementSQLite   = database.NewRead(fmt.Sprintf(lotWithProcurementSQL, participantIDsSQLite))
)

const lotWithProcurementSQL = `SELECT lots.id, lots.procurement_id, lots.number, lots.title, lots.service_types, lots.description, %s,
	procurements.id, procurements.lead_org_id, procurements.title, procurements.reference, procurements.regime,
	procurements.procedure, procurements.description, procurements.term_years, procurements.extension_years,
	procurements.estimated_value_pence, procurements.publish_value, procurements.state,
	procurements.clarification_deadline, procurements.submission_deadline, procurements.evaluation_start,
	procurements.award_date, procurements.contract_start, procurements.wrapped_key, procurements.key_id,
	procurements.created_by, procurements.created_at, procurements.updated_at, procurements.published_at,
	openings.procurement_id, openings.started_by, openings.started_at, openings.confirmed_by, openings.confirmed_at
	FROM lots
	LEFT JOIN procurements ON procurements.id = lots.procurement_id
		AND procurements.id IN (SELECT procurement_id FROM participants WHERE org_id = ?)
	LEFT JOIN openings ON openings.procurement_id = procurements.id
	WHERE lots.id = ? LIMIT 1`

// lotProcurementRow is a row of lotWithProcurementSQL. The lot's columns are all NOT NULL; the
// procurement's and the opening's are NULL when their LEFT JOIN finds nothing, so they are
// scanned into sql.Null values and copied.
type lotProcurementRow struct {
	l              Lot
	participantIDs sql.NullString
	p              nullProcurement
	o              nullOpening
	scan           [35]any // dest's, kept in the row: Scan's arguments escape
}

type nullProcurement struct {
	id, leadOrgID, title, reference, regime, procedure, description sql.NullString
	termYears, extensionYears, estimatedValuePence                  sql.NullInt64
	publishValue                                                    sql.NullBool
	state                                                           sql.NullString
	clarificationDeadline, submissionDeadline, evaluationStart      sql.NullTime
	awardDate, contractStart                                        sql.NullTime
	wrappedKey                                                      []byte
	keyID, createdBy                                                sql.NullString
	createdAt, updatedAt, publishedAt                               sql.NullTime
}

type nullOpening struct {
	procurementID, startedBy sql.NullString
	startedAt                sql.NullTime
	confirmedBy              sql.NullString
	confirmedAt              sql.NullTime
}

// dest is where Scan puts lotWithProcurementSQL's columns, in their order.
func (r *lotProcurementRow) dest() []any {
	l, p, o := &r.l, &r.p, &r.o
	r.scan = [...]any{&l.ID, &l.ProcurementID, &l.Number, &l.Title, &l.ServiceTypes, &l.Description, &r.participantIDs,
		&p.id, &p.leadOrgID, &p.title, &p.reference, &p.regime,
		&p.procedure, &p.description, &p.termYears, &p.extensionYears,
		&p.estimatedValuePence, &p.publishValue, &p.state,
		&p.clarificationDeadline, &p.submissionDeadline, &p.evaluationStart,
		&p.awardDate, &p.contractStart, &p.wrappedKey, &p.keyID,
		&p.createdBy, &p.createdAt, &p.updatedAt, &p.publishedAt,
		&o.procurementID, &o.startedBy, &o.startedAt, &o.confirmedBy, &o.confirmedAt}
	return r.scan[:]
}

// procurement is the row read when its id is not NULL: every other column but published_at is
// NOT NULL then.
func (n *nullProcurement) procurement() Procurement {
	p := Procurement{ID: n.id.String, LeadOrgID: n.leadOrgID.String, Title: n.title.String, Reference: n.reference.String,
		Regime: Regime(n.regime.String), Procedure: n.procedure.String, Description: n.description.String,
		TermYears: int(n.termYears.Int64), ExtensionYears: int(n.extensionYears.Int64),
		EstimatedValuePence: n.estimatedValuePence.Int64, PublishValue: n.publishValue.Bool, State: State(n.state.String),
		ClarificationDeadline: n.clarificationDeadline.Time, SubmissionDeadline: n.submissionDeadline.Time,
		EvaluationStart: n.evaluationStart.Time, AwardDate: n.awardDate.Time, ContractStart: n.contractStart.Time,
		WrappedKey: n.wrappedKey, KeyID: n.keyID.String, CreatedBy: n.createdBy.String,
		CreatedAt: n.createdAt.Time, UpdatedAt: n.updatedAt.Time}
	if n.publishedAt.Valid {
		at := n.publishedAt.Time
		p.PublishedAt = &at
	}
	return p
}

// opening is the record, or nil (as joinedOpening's).
func (n *nullOpening) opening() *Opening {
	if !n.procurementID.Valid || !n.startedAt.Valid {
		return nil
	}
	o := &Opening{ProcurementID: n.procurementID.String, StartedBy: n.startedBy.String, StartedAt: n.startedAt.Time,
		ConfirmedBy: n.confirmedBy.String}
	if n.confirmedAt.Valid {
		at := n.confirmedAt.Time
		o.ConfirmedAt = &at
	}
	return o
}

// lotParticipants lists the commissioners a lot covers, by id (none for a lot that does not exist).
func (s *Store) lotParticipants(ctx context.Context, lotID string) ([]string, error) {
	l, err := s.lotRow(ctx, lotID)
	if apperr.IsKind(err, apperr.NotFound) {
		return nil, nil
	}
	return l.Participants, err
}

// SaveLot writes a lot and replaces its participants.
func (s *Store) SaveLot(ctx context.Context, l *Lot) error {
	if err := s.q(ctx).Save(l).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.InvalidFields(map[string]string{"number": fmt.Sprintf("There is already a lot %d", l.Number)})
		}
		return fmt.Errorf("save lot: %w", err)
	}
	if err := s.q(ctx).Where("lot_id = ?", l.ID).Delete(&LotParticipant{}).Error; err != nil {
		return fmt.Errorf("clear lot participants: %w", err)
	}
	for _, o := range l.Participants {
		if err := s.create(ctx, "lot participant", &LotParticipant{LotID: l.ID, OrgID: o}); err != nil {
			return err
		}
	}
	return nil
}

// Sites lists a lot's sites.
func (s *Store) Sites(ctx context.Context, lotID string) ([]Site, error) {
	var out []Site
	err := s.q(ctx).Where("lot_id = ?", lotID).Order("name").Find(&out).Error
	return out, err
}

// Phases lists a lot's phases by go-live.
func (s *Store) Phases(ctx context.Context, lotID string) ([]Phase, error) {
	var out []Phase
	err := s.q(ctx).Where("lot_id = ?", lotID).Order("go_live, name").Find(&out).Error
	return out, err
}

// Sections lists a lot's questionnaire sections by position, scanned by hand as questions
// are: every results page reads them.
func (s *Store) Sections(ctx context.Context, lotID string) ([]Section, error) {
	var out []Section
	err := sectionsOfLot.Each(ctx, s.db, []any{lotID}, sectionRows(lotID, &out))
	return out, err
}

// sectionRows scans each row of sectionsOfLot onto the end of out.
func sectionRows(lotID string, out *[]Section) func(database.Row) error {
	return func(row database.Row) error {
		*out = append(*out, Section{LotID: lotID})
		sec := &(*out)[len(*out)-1]
		return row.Scan(&sec.ID, &sec.Position, &sec.Title)
	}
}

var sectionsOfLot = database.NewRead(`SELECT id, position, title FROM sections WHERE lot_id = ? ORDER BY position`)

// Questions lists a lot's questions in order.
func (s *Store) Questions(ctx context.Context, lotID string) ([]Question, error) {
	return s.questions(ctx, questionsOfLot, lotID)
}

// question loads one question of a lot: gorm.ErrRecordNotFound when the lot has no such question.
func (s *Store) question(ctx context.Context, lotID, questionID string) (Question, error) {
	b := database.NewBatch(s.db)
	get := queueQuestion(b, lotID, questionID)
	if err := b.Send(ctx); err != nil {
		return Question{}, err
	}
	return get()
}

// queueQuestion queues the read of a lot's question in b; get gives it once b is sent, or
// gorm.ErrRecordNotFound.
func queueQuestion(b *database.Batch, lotID, questionID string) (get func() (Question, error)) {
	var out []Question
	questionOfLot.Queue(b, []any{lotID, questionID}, questionRows(&out))
	return func() (Question, error) {
		if len(out) == 0 {
			return Question{}, gorm.ErrRecordNotFound
		}
		return out[0], nil
	}
}

// questions reads questions with rows.Scan into their fields: every results and moderation
// read loads a lot's questions (60 or more in a large lot), and GORM's reflective scan into
// structs cost more than the query. The columns are all NOT NULL.
func (s *Store) questions(ctx context.Context, read *database.Read, args ...any) ([]Question, error) {
	var out []Question
	err := read.Each(ctx, s.db, args, questionRows(&out))
	return out, err
}

// questionRows scans each row of questionColumns onto the end of out.
func questionRows(out *[]Question) func(database.Row) error {
	return func(row database.Row) error {
		*out = append(*out, Question{}) // scanned in place: a variable given to Scan would escape, a copy a row
		q := &(*out)[len(*out)-1]
		return row.Scan(&q.ID, &q.LotID, &q.SectionID, &q.Position, &q.Number, &q.Text, &q.Guidance, (*string)(&q.Kind),
			&q.WeightBP, &q.MaxScore, &q.MinScore, &q.WordLimit, (*string)(&q.Panel))
	}
}

const questionColumns = `SELECT id, lot_id, section_id, position, number, text, guidance, kind, weight_bp,
		max_score, min_score, word_limit, panel FROM questions WHERE `

var (
	questionsOfLot = database.NewRead(questionColumns + `lot_id = ? ORDER BY position`)
	questionOfLot  = database.NewRead(questionColumns + `lot_id = ? AND id = ? LIMIT 1`)
)

// RankingQuestions lists a lot's questions in order with what scoring and ranking read
// (number, kind, section, position, weight and scale), without their text, guidance, word
// limit or panel: the results page reads every question of a large lot, and every text value
// the driver hands over is a string allocated (four a question, and a row's own machinery).
// So they are read as one text, aggregated in position order, and cut up here: the ids,
// numbers and kinds are parts of it. A question is
// position:weight:max:min:kind:len(id):len(section):len(number):id section number, its three
// strings measured in bytes (a number may hold anything) and written one after the other.
func (s *Store) RankingQuestions(ctx context.Context, lotID string) ([]Question, error) {
	b := database.NewBatch(s.db)
	get := s.queueRankingQuestions(b, lotID)
	if err := b.Send(ctx); err != nil {
		return nil, fmt.Errorf("questions of %s: %w", lotID, err)
	}
	return get()
}

// queueRankingQuestions queues RankingQuestions' statement in b; get cuts up its text once b
// is sent.
func (s *Store) queueRankingQuestions(b *database.Batch, lotID string) (get func() ([]Question, error)) {
	query := rankingQuestionsSQLite
	if s.db.Dialector.Name() == "postgres" {
		query = rankingQuestionsPostgres
	}
	var (
		text sql.NullString // NULL when the lot has no questions
		n    int
	)
	// One row always: an aggregate.
	query.Queue(b, []any{lotID}, func(r database.Row) error { return r.Scan(&text, &n) })
	return func() ([]Question, error) { return rankingQuestions(lotID, text.String, n) }
}

// rankingQuestions cuts up RankingQuestions' text of n questions.
func rankingQuestions(lotID, text string, n int) ([]Question, error) {
	var out []Question
	if n > 0 {
		out = make([]Question, 0, n)
	}
	for rest := text; rest != ""; {
		var f [8]string // position, weight, max, min, kind, and the lengths of id, section, number
		for i := range f {
			var ok bool
			if f[i], rest, ok = strings.Cut(rest, ":"); !ok {
				return nil, fmt.Errorf("questions of %s: unreadable question at %.40q", lotID, rest)
			}
		}
		var v [7]int
		for i, x := range [7]string{f[0], f[1], f[2], f[3], f[5], f[6], f[7]} {
			var err error
			if v[i], err = strconv.Atoi(x); err != nil || i >= 4 && v[i] < 0 {
				return nil, fmt.Errorf("questions of %s: unreadable question at %.40q", lotID, rest)
			}
		}
		if v[4]+v[5]+v[6] > len(rest) {
			return nil, fmt.Errorf("questions of %s: unreadable question at %.40q", lotID, rest)
		}
		q := Question{LotID: lotID, Position: v[0], WeightBP: v[1], MaxScore: v[2], MinScore: v[3], Kind: QuestionKind(f[4])}
		q.ID, rest = rest[:v[4]], rest[v[4]:]
		q.SectionID, rest = rest[:v[5]], rest[v[5]:]
		q.Number, rest = rest[:v[6]], rest[v[6]:]
		out = append(out, q)
	}
	if len(out) != n {
		return nil, fmt.Errorf("questions of %s: %d read, %d counted", lotID, len(out), n)
	}
	return out, nil
}

// RankingQuestions' statement, one a dialect (each says a text's length in bytes its own
// way), written out once.
var (
	rankingQuestionsSQLite   = database.NewRead(rankingQuestionsSQL("group_concat", func(col string) string { return "length(CAST(" + col + " AS BLOB))" }))
	rankingQuestionsPostgres = database.NewRead(rankingQuestionsSQL("string_agg", func(col string) string { return "octet_length(" + col + ")" }))
)

func rankingQuestionsSQL(agg string, bytes func(col string) string) string {
	return `SELECT ` + agg + `(CAST(position AS TEXT)||':'||CAST(weight_bp AS TEXT)||':'||CAST(max_score AS TEXT)||':'||
CAST(min_score AS TEXT)||':'||kind||':'||CAST(` + bytes("id") + ` AS TEXT)||':'||CAST(` + bytes("section_id") + ` AS TEXT)||':'||
CAST(` + bytes("number") + ` AS TEXT)||':'||id||section_id||number,'' ORDER BY position),COUNT(*) FROM questions WHERE lot_id=?`
}

// Add inserts any lot-owned row (site, phase, section, question).
func (s *Store) Add(ctx context.Context, what string, v any) error { return s.create(ctx, what, v) }

// DeleteQuestionnaire removes a lot's sections and questions (before a template replaces them).
func (s *Store) DeleteQuestionnaire(ctx context.Context, lotID string) error {
	if err := s.q(ctx).Where("lot_id = ?", lotID).Delete(&Question{}).Error; err != nil {
		return err
	}
	return s.q(ctx).Where("lot_id = ?", lotID).Delete(&Section{}).Error
}

// --- approvals ---

// Approvals lists the decisions recorded on a procurement.
func (s *Store) Approvals(ctx context.Context, procurementID string) ([]Approval, error) {
	var out []Approval
	err := s.q(ctx).Where("procurement_id = ?", procurementID).Order("decided_at").Find(&out).Error
	return out, err
}

// ClearApprovals forgets decisions when a procurement goes back to draft: a changed business
// case needs deciding again.
func (s *Store) ClearApprovals(ctx context.Context, procurementID string) error {
	return s.q(ctx).Where("procurement_id = ?", procurementID).Delete(&Approval{}).Error
}

// --- documents ---

// AddDocument stores a document.
func (s *Store) AddDocument(ctx context.Context, d *Document) error {
	return s.create(ctx, "document", d)
}

// Documents lists a procurement's documents without their content.
func (s *Store) Documents(ctx context.Context, procurementID string) ([]Document, error) {
	var out []Document
	err := s.q(ctx).Omit("content").Where("procurement_id = ?", procurementID).Order("uploaded_at").Find(&out).Error
	return out, err
}

// Document loads one document with its content.
func (s *Store) Document(ctx context.Context, procurementID, id string) (Document, error) {
	var d Document
	err := s.q(ctx).Where("procurement_id = ? AND id = ?", procurementID, id).Take(&d).Error
	return d, notFound(err, "Document")
}

// --- bidders: opportunities, interest, clarifications, addenda ---

// publicStates are those in which a procurement is visible to providers.
var publicStates = []State{Published, Closed, OpeningStarted, Opened}

// Opportunities lists procurements open to providers, newest first.
func (s *Store) Opportunities(ctx context.Context) ([]Procurement, error) {
	var out []Procurement
	err := s.q(ctx).Where("state IN ?", publicStates).Order("submission_deadline DESC").Find(&out).Error
	return out, err
}

// Opportunity loads a procurement as providers see it: only once published.
func (s *Store) Opportunity(ctx context.Context, id string) (Procurement, error) {
	var p Procurement
	err := s.q(ctx).Where("id = ? AND state IN ?", id, publicStates).Take(&p).Error
	return p, notFound(err, "Opportunity")
}

// Interest loads the acting provider's registration.
func (s *Store) Interest(ctx context.Context, procurementID string) (*Interest, error) {
	var i Interest
	err := s.q(ctx).Scopes(database.Tenant(ctx, "provider_org_id")).Where("procurement_id = ?", procurementID).Take(&i).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load interest: %w", err)
	}
	return &i, nil
}

// AddInterest registers a provider.
func (s *Store) AddInterest(ctx context.Context, i *Interest) error {
	if err := s.q(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(i).Error; err != nil {
		return fmt.Errorf("register interest: %w", err)
	}
	return nil
}

// Interests lists the registered providers with their names (commissioner side).
func (s *Store) Interests(ctx context.Context, procurementID string) ([]Interest, map[string]string, error) {
	var out []Interest
	if err := s.q(ctx).Where("procurement_id = ?", procurementID).Order("registered_at").Find(&out).Error; err != nil {
		return nil, nil, fmt.Errorf("list interests: %w", err)
	}
	ids := make([]string, len(out))
	for i, in := range out {
		ids[i] = in.ProviderOrgID
	}
	names, err := s.OrgNames(ctx, ids)
	return out, names, err
}

// NextNumber is the next clarification or addendum number of a procurement.
func (s *Store) NextNumber(ctx context.Context, table, procurementID string) (int, error) {
	var n int
	err := s.q(ctx).Table(table).Select("COALESCE(MAX(number), 0) + 1").Where("procurement_id = ?", procurementID).Scan(&n).Error
	return n, err
}

// Clarifications lists all of a procurement's clarifications (commissioner side).
func (s *Store) Clarifications(ctx context.Context, procurementID string) ([]Clarification, error) {
	var out []Clarification
	err := s.q(ctx).Where("procurement_id = ?", procurementID).Order("number").Find(&out).Error
	return out, err
}

// BidderClarifications lists the published answers and the acting provider's own questions.
func (s *Store) BidderClarifications(ctx context.Context, procurementID string) ([]Clarification, error) {
	org, ok := database.TenantFrom(ctx)
	if !ok {
		return nil, database.ErrNoTenant
	}
	var out []Clarification
	err := s.q(ctx).Where("procurement_id = ? AND (published_at IS NOT NULL OR asker_org_id = ?)", procurementID, org).Order("number").Find(&out).Error
	return out, err
}

// Clarification loads one clarification of a procurement.
func (s *Store) Clarification(ctx context.Context, procurementID, id string) (Clarification, error) {
	var c Clarification
	err := s.q(ctx).Where("procurement_id = ? AND id = ?", procurementID, id).Take(&c).Error
	return c, notFound(err, "Clarification")
}

// Addenda lists a procurement's addenda.
func (s *Store) Addenda(ctx context.Context, procurementID string) ([]Addendum, error) {
	var out []Addendum
	err := s.q(ctx).Where("procurement_id = ?", procurementID).Order("number").Find(&out).Error
	return out, err
}

// --- submissions ---

// LatestSubmission is the acting provider's newest version for a lot, or nil.
func (s *Store) LatestSubmission(ctx context.Context, lotID string) (*Submission, error) {
	var sub Submission
	err := s.q(ctx).Scopes(database.Tenant(ctx, "bidder_org_id")).Where("lot_id = ?", lotID).Order("version DESC").Take(&sub).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load submission: %w", err)
	}
	return &sub, nil
}

// BidderSubmissions lists every version of the acting provider's responses to a procurement.
func (s *Store) BidderSubmissions(ctx context.Context, procurementID string) ([]Submission, error) {
	var out []Submission
	err := s.q(ctx).Scopes(database.Tenant(ctx, "bidder_org_id")).Where("procurement_id = ?", procurementID).Order("lot_id, version").Find(&out).Error
	return out, err
}

// Counted returns, per lot and bidder, the last submitted version that counts: submitted, not
// withdrawn after, and not awaiting re-confirmation. Callers decide whether its content may be read.
func (s *Store) Counted(ctx context.Context, procurementID string) ([]Submission, error) {
	var all []Submission
	if err := s.q(ctx).Where("procurement_id = ?", procurementID).Order("lot_id, bidder_org_id, version").Find(&all).Error; err != nil {
		return nil, fmt.Errorf("list submissions: %w", err)
	}
	return LastCounted(all), nil
}

// SubmissionCounts counts submitted responses per lot without reading any content.
func (s *Store) SubmissionCounts(ctx context.Context, procurementID string) (map[string]int, error) {
	subs, err := s.Counted(ctx, procurementID)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, sub := range subs {
		out[sub.LotID]++
	}
	return out, nil
}

// SaveSubmission writes a submission version.
func (s *Store) SaveSubmission(ctx context.Context, sub *Submission) error {
	return s.save(ctx, "submission", sub)
}

// MarkReconfirm flags every submitted response of a procurement as needing re-confirmation and
// returns the bidders to tell.
func (s *Store) MarkReconfirm(ctx context.Context, procurementID string) ([]string, error) {
	var orgs []string
	if err := s.q(ctx).Model(&Submission{}).Where("procurement_id = ? AND state = ?", procurementID, SubSubmitted).Distinct().Pluck("bidder_org_id", &orgs).Error; err != nil {
		return nil, err
	}
	err := s.q(ctx).Model(&Submission{}).Where("procurement_id = ? AND state = ?", procurementID, SubSubmitted).Update("needs_reconfirm", true).Error
	return orgs, err
}

// RoleEmails lists the emails of active users holding role in any of the organisations, for
// notices, by email.
func (s *Store) RoleEmails(ctx context.Context, orgIDs []string, role access.Role) ([]string, error) {
	holders, err := s.people().Holders(ctx, role, orgIDs)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(holders))
	for i, h := range holders {
		out[i] = h.Email
	}
	slices.Sort(out)
	return out, nil
}

// --- opening ---

// Opening loads the opening record, or nil.
func (s *Store) Opening(ctx context.Context, procurementID string) (*Opening, error) {
	return database.Memoize(ctx, s.db, "openings|"+procurementID, database.ClonePtr[Opening], func() (*Opening, error) {
		var o Opening
		err := s.q(ctx).Where("procurement_id = ?", procurementID).Take(&o).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load opening: %w", err)
		}
		return &o, nil
	})
}

// SaveOpening writes the opening record.
func (s *Store) SaveOpening(ctx context.Context, o *Opening) error { return s.save(ctx, "opening", o) }

var _ = time.Now

// --- response attachments ---

// Attachments lists a submission version's files, without their content.
func (s *Store) Attachments(ctx context.Context, submissionID string) ([]Attachment, error) {
	var out []Attachment
	if err := s.q(ctx).Omit("content_sealed").Where("submission_id = ?", submissionID).Order("name").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list attachments of %s: %w", submissionID, err)
	}
	return out, nil
}

// Attachment loads one file of a submission version, sealed.
func (s *Store) Attachment(ctx context.Context, submissionID, id string) (Attachment, error) {
	var a Attachment
	err := s.q(ctx).Where("submission_id = ? AND id = ?", submissionID, id).Take(&a).Error
	return a, notFound(err, "Attachment")
}

// OwnAttachment loads a file of any version of the acting provider's responses to a lot.
func (s *Store) OwnAttachment(ctx context.Context, lotID, id string) (Attachment, error) {
	var a Attachment
	err := s.q(ctx).Scopes(database.Tenant(ctx, "response_attachments.bidder_org_id")).
		Joins("JOIN submissions ON submissions.id = response_attachments.submission_id").
		Where("submissions.lot_id = ? AND response_attachments.id = ?", lotID, id).Take(&a).Error
	return a, notFound(err, "Attachment")
}

// AddAttachment stores a sealed file.
func (s *Store) AddAttachment(ctx context.Context, a *Attachment) error {
	return s.create(ctx, "attachment", a)
}

// DeleteAttachment removes a file, by content and name, from a draft version; false when the
// draft does not hold it.
func (s *Store) DeleteAttachment(ctx context.Context, submissionID, sum, name string) (bool, error) {
	res := s.q(ctx).Where("submission_id = ? AND sha256 = ? AND name = ?", submissionID, sum, name).Delete(&Attachment{})
	if res.Error != nil {
		return false, fmt.Errorf("remove attachment %s: %w", name, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// CopyAttachments carries a version's files into the next one, still sealed.
func (s *Store) CopyAttachments(ctx context.Context, from, to string, newID func() string) error {
	var all []Attachment
	if err := s.q(ctx).Where("submission_id = ?", from).Find(&all).Error; err != nil {
		return fmt.Errorf("attachments of %s: %w", from, err)
	}
	for _, a := range all {
		a.ID, a.SubmissionID = newID(), to
		if err := s.create(ctx, "attachment", &a); err != nil {
			return err
		}
	}
	return nil
}

// --- procurement keys ---
//
// A key rotation, a backup and a restore are the operator's, across every tenant, so these read
// without a tenant scope. They read ids, references and wrapped keys only, never a response.

// KeyRow is a procurement's wrapped data key and the key id of the secret wrapping it.
type KeyRow struct {
	ID, LeadOrgID, Reference, KeyID string
	WrappedKey                      []byte
}

// KeyIDCounts counts procurements by the key id their data key is wrapped under.
func (s *Store) KeyIDCounts(ctx context.Context) (map[string]int, error) {
	var rows []struct {
		KeyID string
		N     int
	}
	if err := s.q(ctx).Table("procurements").Select("key_id, COUNT(*) AS n").Group("key_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count procurement keys by key id: %w", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.KeyID] = r.N
	}
	return out, nil
}

// KeyRows pages through every procurement's key in id order, after the id given ("" first).
func (s *Store) KeyRows(ctx context.Context, after string, limit int) ([]KeyRow, error) {
	var out []KeyRow
	err := s.q(ctx).Table("procurements").Select("id, lead_org_id, reference, key_id, wrapped_key").
		Where("id > ?", after).Order("id").Limit(limit).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list procurement keys: %w", err)
	}
	return out, nil
}

// keysNotUnder pages through the ids of procurements whose key is not under keyID.
func (s *Store) keysNotUnder(ctx context.Context, keyID, after string, limit int) ([]string, error) {
	var ids []string
	err := s.q(ctx).Table("procurements").Where("key_id <> ? AND id > ?", keyID, after).
		Order("id").Limit(limit).Pluck("id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("list procurement keys to re-wrap: %w", err)
	}
	return ids, nil
}

// keyForUpdate loads one procurement's key, locking the row (PostgreSQL) until the transaction
// ends, so that two rotations running at once re-wrap it once.
func (s *Store) keyForUpdate(ctx context.Context, id string) (KeyRow, error) {
	var k KeyRow
	q := s.q(ctx).Table("procurements").Select("id, lead_org_id, reference, key_id, wrapped_key").Where("id = ?", id)
	if s.db.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&k).Error; err != nil {
		return k, fmt.Errorf("load the key of procurement %s: %w", id, err)
	}
	return k, nil
}

// rewrapKey replaces a procurement's wrapped key, only if it is still under the key id read.
func (s *Store) rewrapKey(ctx context.Context, id, fromKeyID string, wrapped []byte, toKeyID string) error {
	res := s.q(ctx).Table("procurements").Where("id = ? AND key_id = ?", id, fromKeyID).
		Updates(map[string]any{"wrapped_key": wrapped, "key_id": toKeyID})
	if res.Error != nil {
		return fmt.Errorf("store the re-wrapped key of procurement %s: %w", id, res.Error)
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("store the re-wrapped key of procurement %s: its key changed while it was re-wrapped", id)
	}
	return nil
}

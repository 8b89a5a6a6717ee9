package evaluation

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/lots"
	"golive/tenants"
)

// Store is the only file of evaluation that talks to the database. The lead's reads go through
// the procurements the acting organisation takes part in; an evaluator's through their own
// panel membership in the acting organisation (a Healthwatch evaluator's organisation takes
// part in no procurement). Rows of a lot are read only after one of those has let the lot in.
type Store struct {
	db *gorm.DB
}

// NewStore wraps the database.
func NewStore(db *database.DB) *Store { return &Store{db: db.Gorm} }

func (s *Store) q(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

// Tx runs fn in one transaction: state and audit event commit together.
func (s *Store) Tx(ctx context.Context, fn func(tx *Store) error) error {
	return s.q(ctx).Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx}) })
}

// Audit appends an audit event in the transaction.
func (s *Store) Audit(ctx context.Context, e audit.Entry) error { return audit.Record(ctx, s.db, e) }

func notFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFoundf("%s not found", what)
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", what, err)
	}
	return nil
}

// locked adds FOR UPDATE on PostgreSQL, so two changes cannot interleave (SQLite has one writer).
func (s *Store) locked(q *gorm.DB, lock bool) *gorm.DB {
	if lock && s.db.Dialector.Name() == "postgres" {
		return q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return q
}

func (s *Store) upsert(ctx context.Context, what string, v any) error {
	if err := s.q(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(v).Error; err != nil {
		return fmt.Errorf("save %s: %w", what, err)
	}
	return nil
}

// --- owned by other features, asked through their exported reads ---

// lots reads procurements, lots, questionnaires, openings and bids from their owner, on the
// store's connection (inside Tx, the transaction's, so that a lock taken there holds).
func (s *Store) lots() *lots.Reads { return lots.ReadsOn(s.db) }

// people asks tenants' directory who people and organisations are, on the store's connection.
func (s *Store) people() *tenants.Directory { return tenants.DirectoryOn(s.db) }

// Procurement loads a procurement the acting organisation takes part in; lock holds its row
// until the transaction ends. Any other is not found.
func (s *Store) Procurement(ctx context.Context, id string, lock bool) (lots.Procurement, error) {
	return s.lots().Procurement(ctx, id, lock)
}

// LotWithProcurement loads a lot and, in the same statement, its procurement when the acting
// organisation takes part in it (as Lot, then Procurement without the lock); when it takes no
// part, the lot with Procurement's not found.
func (s *Store) LotWithProcurement(ctx context.Context, lotID string) (lots.Lot, lots.Procurement, error) {
	return s.lots().LotWithProcurement(ctx, lotID)
}

// PanelProcurement loads the procurement of a panel the acting evaluator sits on: call it only
// with the procurement id of a membership loaded through Member.
func (s *Store) PanelProcurement(ctx context.Context, m PanelMember) (lots.Procurement, error) {
	return s.lots().ProcurementByID(ctx, m.ProcurementID)
}

// Lot loads a lot; visibility is checked on its procurement.
func (s *Store) Lot(ctx context.Context, id string) (lots.Lot, error) { return s.lots().Lot(ctx, id) }

// Questions lists a lot's questions in order.
func (s *Store) Questions(ctx context.Context, lotID string) ([]lots.Question, error) {
	return s.lots().Questions(ctx, lotID)
}

// Question loads one question of a lot; a question of another lot is not found.
func (s *Store) Question(ctx context.Context, lotID, questionID string) (lots.Question, error) {
	return s.lots().Question(ctx, lotID, questionID)
}

// Batch is an empty batch of reads on the store's connection: reads that do not depend on one
// another's rows, from evaluation and from the features it asks, sent in one round trip.
func (s *Store) Batch() *database.Batch { return database.NewBatch(s.db) }

// memoUsable reports whether the store's reads in ctx keep what they read in the request's memo.
func (s *Store) memoUsable(ctx context.Context) bool { return database.MemoUsable(ctx, s.db) }

// QueueQuestion queues Question's read in b; get gives it once b is sent.
func (s *Store) QueueQuestion(ctx context.Context, b *database.Batch, lotID, questionID string) func() (lots.Question, error) {
	return s.lots().QueueQuestion(ctx, b, lotID, questionID)
}

// QueuePreloadBidsWithPrices queues PreloadBidsWithPrices' read in b; keep puts what it read
// in the request's memo once b is sent.
func (s *Store) QueuePreloadBidsWithPrices(ctx context.Context, b *database.Batch, procurementID, lotID string) func() {
	return s.lots().QueuePreloadBidsWithPrices(ctx, b, procurementID, lotID)
}

// QueueSections queues Sections' read in b; get gives them once b is sent.
func (s *Store) QueueSections(ctx context.Context, b *database.Batch, lotID string) func() ([]lots.Section, error) {
	return s.lots().QueueSections(ctx, b, lotID)
}

// QueueRankingQuestions queues RankingQuestions' read in b; get gives them once b is sent.
func (s *Store) QueueRankingQuestions(ctx context.Context, b *database.Batch, lotID string) func() ([]lots.Question, error) {
	return s.lots().QueueRankingQuestions(ctx, b, lotID)
}

// QueueLotWithProcurement queues LotWithProcurement's read in b; get gives what it read, and
// keeps it in the request's memo, once b is sent.
func (s *Store) QueueLotWithProcurement(ctx context.Context, b *database.Batch, lotID string) func() (lots.Lot, lots.Procurement, error) {
	return s.lots().QueueLotWithProcurement(ctx, b, lotID)
}

// QueueBidsAhead queues Bids' read (PreloadBidsWithPrices' when withPrices) of a lot whose
// procurement is not known yet (lots.Reads.QueueBidsAhead).
func (s *Store) QueueBidsAhead(ctx context.Context, b *database.Batch, lotID string, withPrices bool) func(procurementID string) {
	return s.lots().QueueBidsAhead(ctx, b, lotID, withPrices)
}

// QueueBids queues Bids' read in b (none when the request has read them); get gives them once
// b is sent.
func (s *Store) QueueBids(ctx context.Context, b *database.Batch, procurementID, lotID string) func() ([]lots.Submission, error) {
	return s.lots().QueueBids(ctx, b, procurementID, lotID)
}

// Opening loads a procurement's opening record, or nil.
func (s *Store) Opening(ctx context.Context, procurementID string) (*lots.Opening, error) {
	return s.lots().Opening(ctx, procurementID)
}

// Bids are the submissions that count for a lot, one per bidder, ordered by bidder, without
// their envelopes (Sealed, SealedPrices).
func (s *Store) Bids(ctx context.Context, procurementID, lotID string) ([]lots.Submission, error) {
	return s.lots().Bids(ctx, procurementID, lotID)
}

// PreloadBidsWithPrices reads a lot's bids with their price envelopes in one statement, for
// the Bids and SealedPrices of the same request (lots.Reads.PreloadBidsWithPrices).
func (s *Store) PreloadBidsWithPrices(ctx context.Context, procurementID, lotID string) error {
	return s.lots().PreloadBidsWithPrices(ctx, procurementID, lotID)
}

// Sealed fills in a submission's envelopes (ciphertext), left out by Bids.
func (s *Store) Sealed(ctx context.Context, sub *lots.Submission) error {
	return s.lots().Sealed(ctx, sub)
}

// SealedPrices fills in the price envelopes of submissions loaded by Bids, in one query.
func (s *Store) SealedPrices(ctx context.Context, subs []lots.Submission) error {
	return s.lots().SealedPrices(ctx, subs)
}

// ParticipantOrgs lists the organisations taking part in a procurement.
func (s *Store) ParticipantOrgs(ctx context.Context, procurementID string) ([]string, error) {
	return s.lots().ParticipantOrgs(ctx, procurementID)
}

// Participates reports whether an organisation takes part in a procurement.
func (s *Store) Participates(ctx context.Context, procurementID, orgID string) (bool, error) {
	return s.lots().Participates(ctx, procurementID, orgID)
}

// OrgNames maps organisation ids to names.
func (s *Store) OrgNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.people().OrgNames(ctx, ids)
}

// OrgAndUserNames maps organisation ids to names (as OrgNames) and user ids to names (as
// UserNames), in one statement.
func (s *Store) OrgAndUserNames(ctx context.Context, orgIDs, userIDs []string) (map[string]string, map[string]string, error) {
	return s.people().OrgAndPeopleNames(ctx, orgIDs, userIDs)
}

// UserNames maps user ids to names.
func (s *Store) UserNames(ctx context.Context, ids []string) (map[string]string, error) {
	return s.people().Names(ctx, ids)
}

// PanelNames maps the user ids of a lot's panel to their names.
func (s *Store) PanelNames(ctx context.Context, lotID string) (map[string]string, error) {
	members, err := s.Members(ctx, lotID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	return s.people().Names(ctx, ids)
}

// Candidate loads a person the lead would put on a panel, with their organisation's kind and
// their roles in it; an unknown id is not found.
func (s *Store) Candidate(ctx context.Context, userID string) (tenants.Person, error) {
	return s.people().Person(ctx, userID)
}

// PanelCandidates lists the active people a lead may choose a panel from: evaluators of the
// commissioners given (those taking part in the procurement) and Healthwatch evaluators.
func (s *Store) PanelCandidates(ctx context.Context, commissionerIDs []string) ([]tenants.Person, error) {
	return s.people().PanelCandidates(ctx, commissionerIDs)
}

// --- the panel ---

// Member loads the acting user's own membership of a lot's panel, in the acting organisation:
// another organisation's evaluator, or someone not on the panel, gets not found.
func (s *Store) Member(ctx context.Context, lotID, userID string, lock bool) (PanelMember, error) {
	load := func() (PanelMember, error) {
		var m PanelMember
		q := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Where("lot_id = ? AND user_id = ?", lotID, userID)
		err := s.locked(q, lock).Take(&m).Error
		return m, notFound(err, "Lot")
	}
	if lock {
		return load()
	}
	// Not on the panel is memoised too: the lead, on no panel, is asked on every read of the lot.
	type member struct {
		m   PanelMember
		err error
	}
	r, err := database.Memoize(ctx, s.db, "panel_members.own|"+lotID+"|"+userID, nil, func() (member, error) {
		m, err := load()
		if apperr.IsKind(err, apperr.NotFound) {
			return member{err: err}, nil
		}
		return member{m: m}, err
	})
	if err != nil {
		return PanelMember{}, err
	}
	return r.m, r.err
}

// PanelMember loads any member of a lot's panel, for the lead: check the lot first.
func (s *Store) PanelMember(ctx context.Context, lotID, userID string, lock bool) (PanelMember, error) {
	var m PanelMember
	err := s.locked(s.q(ctx).Where("lot_id = ? AND user_id = ?", lotID, userID), lock).Take(&m).Error
	return m, notFound(err, "Evaluator")
}

// Members lists a lot's panel in the order they joined.
func (s *Store) Members(ctx context.Context, lotID string) ([]PanelMember, error) {
	var out []PanelMember
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("added_at, user_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("panel of %s: %w", lotID, err)
	}
	return out, nil
}

// AddMember puts an evaluator on a panel.
func (s *Store) AddMember(ctx context.Context, m *PanelMember) error {
	if err := s.q(ctx).Create(m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("That evaluator is already on the panel")
		}
		return fmt.Errorf("add evaluator: %w", err)
	}
	return nil
}

// SaveMember writes a membership.
func (s *Store) SaveMember(ctx context.Context, m *PanelMember) error {
	if err := s.q(ctx).Save(m).Error; err != nil {
		return fmt.Errorf("save evaluator: %w", err)
	}
	return nil
}

// Assignments lists who scores which question of a lot.
func (s *Store) Assignments(ctx context.Context, lotID string) ([]Assignment, error) {
	var out []Assignment
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("user_id, question_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("assignments of %s: %w", lotID, err)
	}
	return out, nil
}

// SetAssignments replaces an evaluator's questions and drops their draft marks on questions
// no longer theirs.
func (s *Store) SetAssignments(ctx context.Context, lotID, userID string, questionIDs []string) error {
	if err := s.q(ctx).Where("lot_id = ? AND user_id = ?", lotID, userID).Delete(&Assignment{}).Error; err != nil {
		return fmt.Errorf("clear assignments: %w", err)
	}
	for _, q := range questionIDs {
		if err := s.q(ctx).Create(&Assignment{LotID: lotID, UserID: userID, QuestionID: q}).Error; err != nil {
			return fmt.Errorf("assign question: %w", err)
		}
	}
	del := s.q(ctx).Where("lot_id = ? AND user_id = ?", lotID, userID)
	if len(questionIDs) > 0 {
		del = del.Where("question_id NOT IN ?", questionIDs)
	}
	if err := del.Delete(&IndividualScore{}).Error; err != nil {
		return fmt.Errorf("drop marks of unassigned questions: %w", err)
	}
	return nil
}

// --- declarations and individual scores ---

// Declarations lists every declaration made on a lot's panel.
func (s *Store) Declarations(ctx context.Context, lotID string) ([]Declaration, error) {
	var out []Declaration
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("user_id, bidder_org_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("declarations on %s: %w", lotID, err)
	}
	return out, nil
}

// SaveDeclaration records or changes a declaration.
func (s *Store) SaveDeclaration(ctx context.Context, d *Declaration) error {
	return s.upsert(ctx, "declaration", d)
}

// ScoresOf lists one evaluator's marks on a lot.
func (s *Store) ScoresOf(ctx context.Context, lotID, userID string) ([]IndividualScore, error) {
	var out []IndividualScore
	if err := s.q(ctx).Where("lot_id = ? AND user_id = ?", lotID, userID).Order("question_id, bidder_org_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("marks on %s: %w", lotID, err)
	}
	return out, nil
}

// ModerationMarks's statement, one a dialect, written out once: GORM copies a statement byte
// by byte on every call. The consensus first: SQLite types a UNION's columns by its first
// SELECT's, and recorded_at is read as a time only when typed by its table's column (the marks
// carry no time). A mark is evaluator:bidder:score:passed:length:rationale, the rationale's
// length in bytes (it may hold anything), the next mark following it directly; NULL when
// there is no mark.
var (
	moderationMarksSQLite = database.NewRead(moderationMarksHead + "group_concat" + moderationMark +
		"length(CAST(COALESCE(s.rationale,'') AS BLOB))" + moderationMarksTail)
	moderationMarksPostgres = database.NewRead(moderationMarksHead + "string_agg" + moderationMark +
		"octet_length(COALESCE(s.rationale,''))" + moderationMarksTail)
)

const (
	moderationMarksHead = `SELECT 0,c.recorded_by,c.bidder_org_id,c.score,c.passed,c.rationale,c.recorded_at,COUNT(*) OVER ()
FROM consensus_scores c WHERE c.lot_id=? AND c.question_id=?
UNION ALL
SELECT 1,NULL,NULL,NULL,NULL,`
	moderationMark = `(s.user_id||':'||s.bidder_org_id||':'||COALESCE(CAST(s.score AS TEXT),'')||':'||
CASE WHEN s.passed IS NULL THEN '' WHEN s.passed THEN '1' ELSE '0' END||':'||CAST(`
	moderationMarksTail = ` AS TEXT)||':'||COALESCE(s.rationale,''),'' ORDER BY s.bidder_org_id,s.user_id),NULL,COUNT(s.user_id)
FROM moderations m LEFT JOIN scores s ON s.lot_id=m.lot_id AND s.question_id=m.question_id
WHERE m.lot_id=? AND m.question_id=? GROUP BY m.lot_id,m.question_id
ORDER BY 1,3,2`
)

// ModerationMarks reports whether moderation of a question of a lot has started and, if it
// has, lists every evaluator's marks of it by bidder then evaluator, without when each was
// recorded (for moderation only), and the question's consensus marks by bidder. One statement
// for all three, the question's hot read (a moderation meeting reloads it question after
// question): a UNION ALL of the consensus, one row each, and of the moderation's row with its
// marks aggregated into one text (as ConsensusMarks reads them), told apart by the first
// column. One text rather than a row a mark: the driver allocates every text it reads, so the
// marks' evaluators, bidders and rationales are all parts of one string. Each part says how
// many marks it has, so that the lists are allocated once at their size.
func (s *Store) ModerationMarks(ctx context.Context, lotID, questionID string) (bool, []IndividualScore, []Consensus, error) {
	b := s.Batch()
	get := s.QueueModerationMarks(ctx, b, lotID, questionID)
	if err := b.Send(ctx); err != nil {
		return false, nil, nil, fmt.Errorf("marks of %s: %w", questionID, err)
	}
	return get()
}

// QueueModerationMarks queues ModerationMarks' statement in b, unless the request's memo has
// what it reads; get gives what it gives once b is sent, and keeps it in the memo. Readers of
// the memo's marks only read them (they are not copied for each).
func (s *Store) QueueModerationMarks(ctx context.Context, b *database.Batch, lotID, questionID string) (get func() (bool, []IndividualScore, []Consensus, error)) {
	got := database.QueueMemoized(ctx, b, "moderation_marks|"+lotID+"|"+questionID, nil, func(b *database.Batch) func() (moderationMarks, error) {
		get := s.queueModerationMarks(b, lotID, questionID)
		return func() (moderationMarks, error) {
			started, marks, cons, err := get()
			return moderationMarks{started, marks, cons}, err
		}
	})
	return func() (bool, []IndividualScore, []Consensus, error) {
		m, err := got()
		return m.started, m.marks, m.cons, err
	}
}

// moderationMarks is what ModerationMarks reads, as the request's memo keeps it.
type moderationMarks struct {
	started bool
	marks   []IndividualScore
	cons    []Consensus
}

func (s *Store) queueModerationMarks(b *database.Batch, lotID, questionID string) (get func() (bool, []IndividualScore, []Consensus, error)) {
	query := moderationMarksSQLite
	if s.db.Dialector.Name() == "postgres" {
		query = moderationMarksPostgres
	}
	started := false
	var (
		marks   []IndividualScore
		cons    []Consensus
		scores  []int  // what the consensus' Score point at
		results []bool // and their Passed
		// declared once: what Scan is given escapes
		part                    int
		user, bidder, rationale sql.NullString
		score                   sql.NullInt64
		passed                  sql.NullBool
		at                      sql.NullTime
		n                       int64
		failed                  error
	)
	query.Queue(b, []any{lotID, questionID, lotID, questionID}, func(row database.Row) error {
		if err := row.Scan(&part, &user, &bidder, &score, &passed, &rationale, &at, &n); err != nil {
			return err
		}
		if part == 0 {
			if cons == nil {
				cons = make([]Consensus, 0, max(n, 0))
				scores, results = make([]int, 0, max(n, 0)), make([]bool, 0, max(n, 0))
			}
			cons = append(cons, Consensus{LotID: lotID, QuestionID: questionID, BidderOrgID: bidder.String,
				Score: keepNull(&scores, int(score.Int64), score.Valid), Passed: keepNull(&results, passed.Bool, passed.Valid),
				Rationale: rationale.String, RecordedBy: user.String, RecordedAt: at.Time})
			return nil
		}
		started = true
		// An unreadable text is the read's error, not the batch's: the batch's other reads stand.
		marks, failed = readMarks(lotID, questionID, rationale.String, int(n))
		return nil
	})
	return func() (bool, []IndividualScore, []Consensus, error) {
		if failed != nil {
			return false, nil, nil, fmt.Errorf("marks of %s: %w", questionID, failed)
		}
		return started, marks, cons, nil
	}
}

// readMarks reads the n marks ModerationMarks aggregates into one text; nil for none. Their
// strings are parts of that text.
func readMarks(lotID, questionID, text string, n int) ([]IndividualScore, error) {
	if n <= 0 {
		if text != "" {
			return nil, fmt.Errorf("marks %.40q without a count", text)
		}
		return nil, nil
	}
	marks := make([]IndividualScore, 0, n)
	scores, results := make([]int, 0, n), make([]bool, 0, n)
	for rest := text; rest != ""; {
		var f [5]string // evaluator, bidder, score, passed, length
		for i := range f {
			var ok bool
			if f[i], rest, ok = strings.Cut(rest, ":"); !ok {
				return nil, fmt.Errorf("unreadable mark at %.40q", rest)
			}
		}
		size, err := strconv.Atoi(f[4])
		if err != nil || size < 0 || size > len(rest) {
			return nil, fmt.Errorf("unreadable rationale length %q", f[4])
		}
		m := IndividualScore{LotID: lotID, QuestionID: questionID, UserID: f[0], BidderOrgID: f[1], Rationale: rest[:size]}
		rest = rest[size:]
		if f[2] != "" {
			v, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("mark's score %q: %w", f[2], err)
			}
			m.Score = keep(&scores, v)
		}
		if f[3] != "" {
			m.Passed = keep(&results, f[3] == "1")
		}
		marks = append(marks, m)
	}
	if len(marks) != n {
		return nil, fmt.Errorf("%d marks read, %d counted", len(marks), n)
	}
	return marks, nil
}

// keepNull is keep for a column's value, nil when it is NULL.
func keepNull[T any](list *[]T, v T, valid bool) *T {
	if !valid {
		return nil
	}
	return keep(list, v)
}

// SaveScore records or changes a mark.
func (s *Store) SaveScore(ctx context.Context, sc *IndividualScore) error {
	return s.upsert(ctx, "score", sc)
}

// DeleteScoresFor drops an evaluator's marks for a bidder (a conflict declared after marking).
func (s *Store) DeleteScoresFor(ctx context.Context, lotID, userID, bidder string) (int64, error) {
	res := s.q(ctx).Where("lot_id = ? AND user_id = ? AND bidder_org_id = ?", lotID, userID, bidder).Delete(&IndividualScore{})
	if res.Error != nil {
		return 0, fmt.Errorf("drop marks for %s: %w", bidder, res.Error)
	}
	return res.RowsAffected, nil
}

// --- moderation ---

// Moderations lists the questions of a lot whose moderation has started.
func (s *Store) Moderations(ctx context.Context, lotID string) ([]Moderation, error) {
	var out []Moderation
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("started_at").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("moderations of %s: %w", lotID, err)
	}
	return out, nil
}

// ModerationStarted reports whether moderation of a question of a lot has started.
func (s *Store) ModerationStarted(ctx context.Context, lotID, questionID string) (bool, error) {
	var n int64
	if err := s.q(ctx).Model(&Moderation{}).Where("lot_id = ? AND question_id = ?", lotID, questionID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("moderation of %s: %w", questionID, err)
	}
	return n > 0, nil
}

// AddModeration records the start of a question's moderation.
func (s *Store) AddModeration(ctx context.Context, m *Moderation) error {
	if err := s.q(ctx).Create(m).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("Moderation of that question has already started")
		}
		return fmt.Errorf("start moderation: %w", err)
	}
	return nil
}

// Consensus lists a lot's consensus marks.
func (s *Store) Consensus(ctx context.Context, lotID string) ([]Consensus, error) {
	var out []Consensus
	if err := s.q(ctx).Where("lot_id = ?", lotID).Order("question_id, bidder_org_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("consensus of %s: %w", lotID, err)
	}
	return out, nil
}

// RankingQuestions lists a lot's questions as Questions does, without their text, guidance,
// word limit or panel: what the ranking reads.
func (s *Store) RankingQuestions(ctx context.Context, lotID string) ([]lots.Question, error) {
	return s.lots().RankingQuestions(ctx, lotID)
}

// ConsensusMarks lists a lot's consensus marks as Consensus does, with the marks only (no
// rationale or who recorded them). expect is how many the caller expects (questions × bids):
// the list, the scores and the results are allocated for that many at once rather than grown
// mark by mark. The ranking reads the marks without this list (rankingMarks).
func (s *Store) ConsensusMarks(ctx context.Context, lotID string, expect int) ([]Consensus, error) {
	marks, err := s.rankingMarks(ctx, lotID)
	if err != nil {
		return nil, err
	}
	expect = max(expect, 0)
	out := make([]Consensus, 0, expect)
	scores := make([]int, 0, expect)
	passes := make([]bool, 0, expect)
	err = marks.each(func(q, bidder string, score int, hasScore bool, passed, hasPassed bool) {
		c := Consensus{LotID: lotID, QuestionID: q, BidderOrgID: bidder}
		if hasScore {
			c.Score = keep(&scores, score)
		}
		if hasPassed {
			c.Passed = keep(&passes, passed)
		}
		out = append(out, c)
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Consensus) int {
		return cmp.Or(strings.Compare(a.QuestionID, b.QuestionID), strings.Compare(a.BidderOrgID, b.BidderOrgID))
	})
	return out, nil
}

// rankingMarks reads a lot's consensus marks as the ranking needs them: what every results
// page reads. A large lot has hundreds, and every text value the driver hands over is a string
// or two allocated (and collected): so they are read as one text, cut up as they are used (the
// ids are slices of that text). Each question's marks are joined (group_concat / string_agg)
// as bidder:score:passed after its id, so that the id is written once rather than once a
// bidder (a third of the text, which the driver reads into a buffer of its size and copies):
// question;bidder:score:passed;bidder:…,question;…. One row, grouped in the primary key's
// order (lot, question, bidder), so the database sorts nothing (grouping by bidder made SQLite
// sort the rows).
func (s *Store) rankingMarks(ctx context.Context, lotID string) (consensusText, error) {
	b := s.Batch()
	get := s.queueRankingMarks(ctx, b, lotID)
	if err := b.Send(ctx); err != nil {
		return consensusText{}, fmt.Errorf("consensus marks of %s: %w", lotID, err)
	}
	return get()
}

// queueRankingMarks queues rankingMarks' statement in b, unless the request's memo has the
// marks; get gives them once b is sent, and keeps them in the memo.
func (s *Store) queueRankingMarks(ctx context.Context, b *database.Batch, lotID string) (get func() (consensusText, error)) {
	return database.QueueMemoized(ctx, b, "consensus.ranking|"+lotID, nil, func(b *database.Batch) func() (consensusText, error) {
		query := rankingMarksSQLite
		if s.db.Dialector.Name() == "postgres" {
			query = rankingMarksPostgres
		}
		var marks sql.NullString // NULL when the lot has no marks
		// One row always: an aggregate.
		query.Queue(b, []any{lotID}, func(r database.Row) error { return r.Scan(&marks) })
		return func() (consensusText, error) { return consensusText{lotID: lotID, text: marks.String}, nil }
	})
}

// rankingMarks' statement, one a dialect (the aggregate's name differs).
var (
	rankingMarksSQLite   = database.NewRead(rankingMarksSQL("group_concat"))
	rankingMarksPostgres = database.NewRead(rankingMarksSQL("string_agg"))
)

func rankingMarksSQL(agg string) string {
	mark := `bidder_org_id || ':' || COALESCE(CAST(score AS TEXT), '') || ':' ||
		CASE WHEN passed IS NULL THEN '' WHEN passed THEN '1' ELSE '0' END`
	return `SELECT ` + agg + `(question_id || ';' || marks, ',') FROM (SELECT question_id, ` + agg + `(` + mark + `, ';') AS marks
		FROM consensus_scores WHERE lot_id = ? GROUP BY question_id) q`
}

// consensusText is a lot's consensus marks as rankingMarks reads them, in no particular order.
type consensusText struct {
	lotID string
	text  string
}

// each calls fn with every mark; the ids are parts of the text. A score or result that is not
// there is reported as such (hasScore, hasPassed false).
func (c consensusText) each(fn func(question, bidder string, score int, hasScore bool, passed, hasPassed bool)) error {
	for rest := c.text; rest != ""; {
		var marks string
		marks, rest, _ = strings.Cut(rest, ",")
		q, marks, ok := strings.Cut(marks, ";")
		if !ok {
			return fmt.Errorf("consensus marks of %s: unreadable marks %.60q", c.lotID, q)
		}
		for marks != "" {
			var m string
			m, marks, _ = strings.Cut(marks, ";")
			bidder, r, ok1 := strings.Cut(m, ":")
			score, pass, ok2 := strings.Cut(r, ":")
			if !ok1 || !ok2 {
				return fmt.Errorf("consensus marks of %s: unreadable mark %q of %s", c.lotID, m, q)
			}
			n := 0
			if score != "" {
				var err error
				if n, err = strconv.Atoi(score); err != nil {
					return fmt.Errorf("consensus marks of %s: score %q: %w", c.lotID, score, err)
				}
			}
			fn(q, bidder, n, score != "", pass == "1", pass != "")
		}
	}
	return nil
}

// keep appends v to *list and points at it while the list has room (it then never grows, so
// the pointer stays v's own); past that, v is allocated on its own.
func keep[T any](list *[]T, v T) *T {
	if len(*list) < cap(*list) {
		*list = append(*list, v)
		return &(*list)[len(*list)-1]
	}
	p := new(T) // not &v: v would then be allocated on every call
	*p = v
	return p
}

// SaveConsensus records or changes a consensus mark.
func (s *Store) SaveConsensus(ctx context.Context, c *Consensus) error {
	return s.upsert(ctx, "consensus", c)
}

// LotEvaluation loads a lot's evaluation milestones; a lot without any has a zero record.
func (s *Store) LotEvaluation(ctx context.Context, l lots.Lot) (LotEvaluation, error) {
	r, err := s.lotRecords(ctx, l.ID)
	if err != nil {
		return LotEvaluation{LotID: l.ID, ProcurementID: l.ProcurementID}, err
	}
	return r.lotEvaluation(l), nil
}

// lotEvaluation is the lot's evaluation record, or a new one of l while there is none.
func (r lotRecords) lotEvaluation(l lots.Lot) LotEvaluation {
	if r.evaluation == nil {
		return LotEvaluation{LotID: l.ID, ProcurementID: l.ProcurementID}
	}
	return *r.evaluation
}

// lotRecords are a lot's one-row records of its evaluation: its milestones, its price opening
// and its settings, each nil while there is none. A lot's pages read all three (results,
// award, status), so they are read in one statement, once a request (database.Memoize).
type lotRecords struct {
	evaluation *LotEvaluation
	opening    *PriceOpening
	settings   *LotSettings
}

func cloneLotRecords(r lotRecords) lotRecords {
	return lotRecords{database.ClonePtr(r.evaluation), database.ClonePtr(r.opening), database.ClonePtr(r.settings)}
}

// lotRecordsRead is lotRecords' statement, in the order of its Scan.
var lotRecordsRead = database.NewRead(`SELECT le.lot_id, le.procurement_id, le.quality_moderated_at, le.quality_moderated_by,
	po.lot_id, po.procurement_id, po.opened_by, po.opened_at,
	st.lot_id, st.price_formula, st.set_by, st.set_at
	FROM (SELECT CAST(? AS TEXT) AS id) k
	LEFT JOIN lot_evaluations le ON le.lot_id = k.id
	LEFT JOIN price_openings po ON po.lot_id = k.id
	LEFT JOIN lot_evaluation_settings st ON st.lot_id = k.id`)

func (s *Store) lotRecords(ctx context.Context, lotID string) (lotRecords, error) {
	b := s.Batch()
	get := s.queueLotRecords(ctx, b, lotID)
	if err := b.Send(ctx); err != nil {
		return lotRecords{}, fmt.Errorf("evaluation records of %s: %w", lotID, err)
	}
	return get()
}

// queueLotRecords queues lotRecords' statement in b, unless the request has read them; get
// gives them once b is sent.
func (s *Store) queueLotRecords(ctx context.Context, b *database.Batch, lotID string) (get func() (lotRecords, error)) {
	return database.QueueMemoized(ctx, b, "lot_records|"+lotID, cloneLotRecords, func(b *database.Batch) func() (lotRecords, error) {
		var (
			le, po, st       [3]sql.NullString // lot_id, then procurement_id (price_formula), then who
			leAt, poAt, stAt sql.NullTime
		)
		// One row always: the lot's id, LEFT JOINed.
		lotRecordsRead.Queue(b, []any{lotID}, func(r database.Row) error {
			return r.Scan(&le[0], &le[1], &leAt, &le[2], &po[0], &po[1], &po[2], &poAt, &st[0], &st[1], &st[2], &stAt)
		})
		return func() (lotRecords, error) {
			var r lotRecords
			if le[0].Valid {
				r.evaluation = &LotEvaluation{LotID: le[0].String, ProcurementID: le[1].String, QualityModeratedBy: le[2].String}
				if leAt.Valid {
					at := leAt.Time
					r.evaluation.QualityModeratedAt = &at
				}
			}
			if po[0].Valid && poAt.Valid {
				r.opening = &PriceOpening{LotID: po[0].String, ProcurementID: po[1].String, OpenedBy: po[2].String, OpenedAt: poAt.Time}
			}
			if st[0].Valid && stAt.Valid {
				r.settings = &LotSettings{LotID: st[0].String, PriceFormula: PriceFormula(st[1].String), SetBy: st[2].String, SetAt: stAt.Time}
			}
			return r, nil
		}
	})
}

// SaveLotEvaluation writes a lot's milestones.
func (s *Store) SaveLotEvaluation(ctx context.Context, e *LotEvaluation) error {
	return s.upsert(ctx, "lot evaluation", e)
}

// --- changes to a panel, and what the panel's pages list ---

// Memberships lists the acting user's own places on panels, in the acting organisation.
func (s *Store) Memberships(ctx context.Context, userID string) ([]PanelMember, error) {
	var out []PanelMember
	err := s.q(ctx).Scopes(database.Tenant(ctx, "org_id")).Where("user_id = ?", userID).Order("added_at, lot_id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("panels of %s: %w", userID, err)
	}
	return out, nil
}

// Removed counts what went with an evaluator taken off a panel.
type Removed struct{ Assignments, Declarations, Marks int64 }

// RemoveMember takes an evaluator off a lot's panel with their questions, declarations and
// marks. Only for one who has not submitted: their marks are drafts, not yet the record.
func (s *Store) RemoveMember(ctx context.Context, lotID, userID string) (Removed, error) {
	var r Removed
	of := func() *gorm.DB { return s.q(ctx).Where("lot_id = ? AND user_id = ?", lotID, userID) }
	res := of().Delete(&IndividualScore{})
	if res.Error != nil {
		return r, fmt.Errorf("drop marks: %w", res.Error)
	}
	r.Marks = res.RowsAffected
	if res = of().Delete(&Declaration{}); res.Error != nil {
		return r, fmt.Errorf("drop declarations: %w", res.Error)
	}
	r.Declarations = res.RowsAffected
	if res = of().Delete(&Assignment{}); res.Error != nil {
		return r, fmt.Errorf("drop assignments: %w", res.Error)
	}
	r.Assignments = res.RowsAffected
	if res = of().Delete(&PanelMember{}); res.Error != nil {
		return r, fmt.Errorf("remove evaluator: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return r, apperr.NotFoundf("Evaluator not found")
	}
	return r, nil
}

// --- price opening, and the reads the award needs (evaluation/award builds on them) ---

// LotParticipants lists the commissioners a lot covers: those whose governing bodies decide
// on its award.
func (s *Store) LotParticipants(ctx context.Context, lotID string) ([]string, error) {
	return s.lots().LotParticipants(ctx, lotID)
}

// PriceOpening loads a lot's price opening, or nil while the prices are sealed.
func (s *Store) PriceOpening(ctx context.Context, lotID string) (*PriceOpening, error) {
	r, err := s.lotRecords(ctx, lotID)
	return r.opening, err
}

// AddPriceOpening records that a lot's prices were opened.
func (s *Store) AddPriceOpening(ctx context.Context, o *PriceOpening) error {
	if err := s.q(ctx).Create(o).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.Conflictf("The prices of this lot have already been opened")
		}
		return fmt.Errorf("open prices: %w", err)
	}
	return nil
}

// OwnBid loads the acting bidder's counted response to a lot: a provider that did not bid
// (another tenant included) gets not found.
func (s *Store) OwnBid(ctx context.Context, lotID string) (lots.Submission, error) {
	return s.lots().OwnBid(ctx, lotID)
}

// OwnBids lists the acting bidder's counted responses, one per lot, without their envelopes.
func (s *Store) OwnBids(ctx context.Context) ([]lots.Submission, error) {
	return s.lots().OwnBids(ctx)
}

// BidProcurement loads the procurement of a bid the acting bidder made: call it only with the
// procurement id of a submission loaded through OwnBid.
func (s *Store) BidProcurement(ctx context.Context, sub lots.Submission) (lots.Procurement, error) {
	p, err := s.lots().ProcurementByID(ctx, sub.ProcurementID)
	if apperr.IsKind(err, apperr.NotFound) {
		return p, apperr.NotFoundf("Lot not found")
	}
	return p, err
}

// Sections lists a lot's questionnaire sections in order.
func (s *Store) Sections(ctx context.Context, lotID string) ([]lots.Section, error) {
	return s.lots().Sections(ctx, lotID)
}

// PriceOpenings lists the price openings of the procurements given: call it only with the ids
// of procurements the acting organisation takes part in.
func (s *Store) PriceOpenings(ctx context.Context, procurementIDs []string) ([]PriceOpening, error) {
	var out []PriceOpening
	if len(procurementIDs) == 0 {
		return out, nil
	}
	if err := s.q(ctx).Where("procurement_id IN ?", procurementIDs).Order("procurement_id, lot_id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("price openings of %d procurements: %w", len(procurementIDs), err)
	}
	return out, nil
}

// DB is the connection, or the transaction, the store queries: a feature built on the
// evaluation (the award) joins the evaluation's transaction with it, so that its own rows and
// the evaluation's reads commit or fail together.
func (s *Store) DB() *gorm.DB { return s.db }

// ProcurementLots lists a procurement's lots by number.
func (s *Store) ProcurementLots(ctx context.Context, procurementID string) ([]lots.Lot, error) {
	return s.lots().LotsOf(ctx, procurementID)
}

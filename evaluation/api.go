package evaluation

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/lots"
	"golive/tenants/access"
	"golive/web"
)

// The JSON face of the evaluation service: decode, validate, one service call, answer. Every
// response is one of the explicit types below, never a model struct. Scores in percentage
// points are exact decimals as strings ("42.50"); money in pence; times in RFC 3339 UTC.

// --- response types ---

// BidderJSON is a bidder of the lot.
type BidderJSON struct {
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
}

// PanelMemberJSON is an evaluator just put on the panel.
type PanelMemberJSON struct {
	UserID      string     `json:"user_id"`
	OrgID       string     `json:"org_id"`
	Healthwatch bool       `json:"healthwatch"`
	AddedAt     time.Time  `json:"added_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
}

// MemberJSON is an evaluator as the lead sees them: never their scores.
type MemberJSON struct {
	UserID      string     `json:"user_id"`
	Name        string     `json:"name"`
	OrgName     string     `json:"org_name"`
	Healthwatch bool       `json:"healthwatch"`
	Questions   []string   `json:"questions"` // numbers
	Declared    bool       `json:"declared"`
	Conflicts   []string   `json:"conflicts"` // bidder names
	SubmittedAt *time.Time `json:"submitted_at"`
}

// QuestionJSON is a quality question as the panel sees it (no weight: that is not the panel's).
type QuestionJSON struct {
	ID        string            `json:"id"`
	Number    string            `json:"number"`
	Text      string            `json:"text"`
	Guidance  string            `json:"guidance"`
	Kind      lots.QuestionKind `json:"kind"`
	MaxScore  int               `json:"max_score"`
	MinScore  int               `json:"min_score"`
	WordLimit int               `json:"word_limit"`
}

// QuestionStatusJSON is where moderation of a quality question is.
type QuestionStatusJSON struct {
	Question          QuestionJSON `json:"question"`
	Evaluators        int          `json:"evaluators"`
	Awaiting          []string     `json:"awaiting"`
	ModerationStarted bool         `json:"moderation_started"`
	Consensus         int          `json:"consensus"`
}

// PanelJSON is the lead's view of a lot's panel.
type PanelJSON struct {
	LotID              string               `json:"lot_id"`
	Bidders            []BidderJSON         `json:"bidders"`
	Members            []MemberJSON         `json:"members"`
	Questions          []QuestionStatusJSON `json:"questions"`
	QualityModeratedAt *time.Time           `json:"quality_moderated_at"`
}

// BidderStatusJSON is a bidder with the evaluator's declaration (absent until declared).
type BidderStatusJSON struct {
	OrgID       string    `json:"org_id"`
	Name        string    `json:"name"`
	Declaration *Interest `json:"declaration"`
}

// ScoreJSON is one of the evaluator's own marks.
type ScoreJSON struct {
	QuestionID  string    `json:"question_id"`
	BidderOrgID string    `json:"bidder_org_id"`
	Score       *int      `json:"score"`
	Passed      *bool     `json:"passed"`
	Rationale   string    `json:"rationale"`
	RecordedAt  time.Time `json:"recorded_at"`
}

// WorkspaceJSON is what an evaluator sees of a lot: no price, contract value or total.
type WorkspaceJSON struct {
	LotID       string             `json:"lot_id"`
	LotNumber   int                `json:"lot_number"`
	LotTitle    string             `json:"lot_title"`
	Questions   []QuestionJSON     `json:"questions"`
	Bidders     []BidderStatusJSON `json:"bidders"`
	DeclaredAll bool               `json:"declared_all"`
	Scores      []ScoreJSON        `json:"scores"`
	SubmittedAt *time.Time         `json:"submitted_at"`
}

// AnswerJSON is a bidder's answer to a question the evaluator scores.
type AnswerJSON struct {
	QuestionID string `json:"question_id"`
	Number     string `json:"number"`
	Question   string `json:"question"`
	Answer     string `json:"answer"`
}

// ResponseJSON is the part of a bidder's response the evaluator may read.
type ResponseJSON struct {
	OrgID   string       `json:"org_id"`
	Name    string       `json:"name"`
	Answers []AnswerJSON `json:"answers"`
}

// MarkJSON is one evaluator's mark, shown at moderation.
type MarkJSON struct {
	UserID    string `json:"user_id"`
	Evaluator string `json:"evaluator"`
	Score     *int   `json:"score"`
	Passed    *bool  `json:"passed"`
	Rationale string `json:"rationale"`
}

// ConsensusJSON is a moderated mark.
type ConsensusJSON struct {
	Score      *int      `json:"score"`
	Passed     *bool     `json:"passed"`
	Rationale  string    `json:"rationale"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// ModeratedBidJSON is one bidder's marks of the question side by side.
type ModeratedBidJSON struct {
	OrgID     string         `json:"org_id"`
	Name      string         `json:"name"`
	Marks     []MarkJSON     `json:"marks"`
	Spread    int            `json:"spread"`
	Wide      bool           `json:"wide"`
	Consensus *ConsensusJSON `json:"consensus"`
}

// ModerationJSON is the moderation of one quality question.
type ModerationJSON struct {
	Question QuestionJSON       `json:"question"`
	Bids     []ModeratedBidJSON `json:"bids"`
}

// QuestionScoreJSON is the weighted score of one scored question.
type QuestionScoreJSON struct {
	QuestionID string `json:"question_id"`
	Number     string `json:"number"`
	Consensus  int    `json:"consensus"`
	MaxScore   int    `json:"max_score"`
	WeightBP   int    `json:"weight_bp"`
	Weighted   string `json:"weighted"`
}

// SectionScoreJSON is the quality score of one section.
type SectionScoreJSON struct {
	SectionID string              `json:"section_id"`
	Title     string              `json:"title"`
	WeightBP  int                 `json:"weight_bp"`
	Score     string              `json:"score"`
	Questions []QuestionScoreJSON `json:"questions"`
}

// ResultJSON is one bid's evaluation; an excluded bid has no price score, total or rank.
type ResultJSON struct {
	BidderOrgID string             `json:"bidder_org_id"`
	Name        string             `json:"name"`
	PricePence  int64              `json:"price_pence"`
	Sections    []SectionScoreJSON `json:"sections"`
	Quality     string             `json:"quality"`
	PriceScore  string             `json:"price_score,omitempty"`
	Total       string             `json:"total,omitempty"`
	Excluded    bool               `json:"excluded"`
	Reasons     []string           `json:"reasons"`
	Rank        int                `json:"rank,omitempty"`
}

// ResultsJSON is a lot's ranking.
type ResultsJSON struct {
	LotID        string       `json:"lot_id"`
	PriceFormula PriceFormula `json:"price_formula"`
	Results      []ResultJSON `json:"results"`
}

// PriceYearJSON is one year of a price schedule.
type PriceYearJSON struct {
	Year  int   `json:"year"`
	Pence int64 `json:"pence"`
}

// PriceJSON is one bidder's opened price: its schedule and its total over the contract term.
type PriceJSON struct {
	BidderOrgID string          `json:"bidder_org_id"`
	Name        string          `json:"name"`
	Years       []PriceYearJSON `json:"years"`
	TotalPence  int64           `json:"total_pence"`
}

// PricesJSON is a lot's opened prices.
type PricesJSON struct {
	LotID  string      `json:"lot_id"`
	Prices []PriceJSON `json:"prices"`
}

// AssignInput is the questions an evaluator scores.
type AssignInput struct {
	Questions []string `json:"questions" validate:"required,min=1,dive,uuid" label:"the questions they score"`
}

// --- conversions ---

func questionJSON(q lots.Question) QuestionJSON {
	return QuestionJSON{ID: q.ID, Number: q.Number, Text: q.Text, Guidance: q.Guidance, Kind: q.Kind, MaxScore: q.MaxScore,
		MinScore: q.MinScore, WordLimit: q.WordLimit}
}

func scoresJSON(scs []IndividualScore) []ScoreJSON {
	out := []ScoreJSON{}
	for _, sc := range scs {
		out = append(out, ScoreJSON{QuestionID: sc.QuestionID, BidderOrgID: sc.BidderOrgID, Score: sc.Score, Passed: sc.Passed,
			Rationale: sc.Rationale, RecordedAt: sc.RecordedAt.UTC()})
	}
	return out
}

func lotHref(c *fiber.Ctx) string { return "/api/v1/evaluations/lots/" + c.Params("lot") }

// --- the panel ---

func (h *API) panel(c *fiber.Ctx) error {
	v, err := h.Svc.Panel(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return err
	}
	out := PanelJSON{LotID: v.Lot.ID, Bidders: []BidderJSON{}, Members: []MemberJSON{}, Questions: []QuestionStatusJSON{},
		QualityModeratedAt: web.TimeOrNull(v.QualityModeratedAt)}
	for _, b := range v.Bidders {
		out.Bidders = append(out.Bidders, BidderJSON{OrgID: b.OrgID, Name: b.Name})
	}
	for _, m := range v.Members {
		out.Members = append(out.Members, MemberJSON{UserID: m.UserID, Name: m.Name, OrgName: m.OrgName, Healthwatch: m.Healthwatch,
			Questions: web.OrEmpty(m.Questions), Declared: m.Declared, Conflicts: web.OrEmpty(m.Conflicts), SubmittedAt: web.TimeOrNull(m.SubmittedAt)})
	}
	for _, q := range v.Questions {
		out.Questions = append(out.Questions, QuestionStatusJSON{Question: questionJSON(q.Question), Evaluators: q.Evaluators,
			Awaiting: web.OrEmpty(q.Awaiting), ModerationStarted: q.ModerationStarted, Consensus: q.Consensus})
	}
	return c.JSON(out)
}

func (h *API) addEvaluator(c *fiber.Ctx) error {
	return web.Add(c, lotHref(c)+"/panel", "lot", h.Svc.AddEvaluator, func(m PanelMember) PanelMemberJSON {
		return PanelMemberJSON{UserID: m.UserID, OrgID: m.OrgID, Healthwatch: m.Healthwatch, AddedAt: m.AddedAt.UTC(),
			SubmittedAt: web.TimeOrNull(m.SubmittedAt)}
	})
}

func (h *API) assignQuestions(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in AssignInput) error {
		return h.Svc.AssignQuestions(ctx, a, lot, c.Params("user"), in.Questions)
	})
}

func (h *API) removeEvaluator(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in RemovalInput) error {
		return h.Svc.RemoveEvaluator(ctx, a, lot, c.Params("user"), in.Reason)
	})
}

// --- the evaluator ---

func (h *API) workspace(c *fiber.Ctx) error {
	v, err := h.Svc.Workspace(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return err
	}
	out := WorkspaceJSON{LotID: v.LotID, LotNumber: v.LotNumber, LotTitle: v.LotTitle, Questions: []QuestionJSON{},
		Bidders: []BidderStatusJSON{}, DeclaredAll: v.DeclaredAll, Scores: scoresJSON(v.Scores), SubmittedAt: web.TimeOrNull(v.SubmittedAt)}
	for _, q := range v.Questions {
		out.Questions = append(out.Questions, questionJSON(q))
	}
	for _, b := range v.Bidders {
		out.Bidders = append(out.Bidders, BidderStatusJSON{OrgID: b.OrgID, Name: b.Name, Declaration: b.Declaration})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *API) declare(c *fiber.Ctx) error { return web.ActWith(c, "lot", h.Svc.Declare) }

func (h *API) response(c *fiber.Ctx) error {
	r, err := h.Svc.Response(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("bidder"))
	if err != nil {
		return err
	}
	out := ResponseJSON{OrgID: r.OrgID, Name: r.Name, Answers: []AnswerJSON{}}
	for _, a := range r.Answers {
		out.Answers = append(out.Answers, AnswerJSON{QuestionID: a.QuestionID, Number: a.Number, Question: a.Question, Answer: a.Answer})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *API) scores(c *fiber.Ctx) error {
	scs, err := h.Svc.Scores(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("user"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"scores": scoresJSON(scs)})
}

func (h *API) recordScore(c *fiber.Ctx) error { return web.ActWith(c, "lot", h.Svc.RecordScore) }

func (h *API) submitScores(c *fiber.Ctx) error { return web.Act(c, "lot", h.Svc.SubmitScores) }

// --- moderation ---

func (h *API) startModeration(c *fiber.Ctx) error {
	return web.Act(c, "lot", func(ctx context.Context, a *access.Actor, lot string) error {
		return h.Svc.StartModeration(ctx, a, lot, c.Params("question"))
	})
}

// writeModeration answers with v as c.JSON would: written by hand, or, when a time in it is one
// encoding/json refuses, by encoding/json for the same error.
func writeModeration(c *fiber.Ctx, v *ModerationJSON) error {
	if !v.encodable() {
		return web.EncodeJSON(c, v)
	}
	return web.JSON(c, v)
}

func (h *API) moderation(c *fiber.Ctx) error {
	v, err := h.Svc.Moderation(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("question"))
	if err != nil {
		return err
	}
	// Sized up front, every bidder's marks (and consensus) in one array: the lead reloads this
	// question after question during a moderation meeting.
	n, agreed := 0, 0
	for _, b := range v.Bids {
		n += len(b.Marks)
		if b.Consensus != nil {
			agreed++
		}
	}
	marks, cons := make([]MarkJSON, 0, n), make([]ConsensusJSON, 0, agreed)
	out := ModerationJSON{Question: questionJSON(v.Question), Bids: make([]ModeratedBidJSON, 0, len(v.Bids))}
	for _, b := range v.Bids {
		from := len(marks)
		for _, m := range b.Marks {
			marks = append(marks, MarkJSON{UserID: m.UserID, Evaluator: m.Evaluator, Score: m.Score, Passed: m.Passed, Rationale: m.Rationale})
		}
		bj := ModeratedBidJSON{OrgID: b.OrgID, Name: b.Name, Marks: marks[from:len(marks):len(marks)], Spread: b.Spread, Wide: b.Wide}
		if b.Consensus != nil {
			cons = append(cons, ConsensusJSON{Score: b.Consensus.Score, Passed: b.Consensus.Passed, Rationale: b.Consensus.Rationale,
				RecordedBy: b.Consensus.RecordedBy, RecordedAt: b.Consensus.RecordedAt.UTC()})
			bj.Consensus = &cons[len(cons)-1]
		}
		out.Bids = append(out.Bids, bj)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return writeModeration(c, &out)
}

func (h *API) recordConsensus(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", h.Svc.RecordConsensus)
}

// --- price and results ---

func (h *API) openPrices(c *fiber.Ctx) error { return web.Act(c, "lot", h.Svc.OpenPrices) }

func (h *API) prices(c *fiber.Ctx) error {
	ps, err := h.Svc.Prices(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return err
	}
	out := PricesJSON{LotID: c.Params("lot"), Prices: []PriceJSON{}}
	for _, p := range ps {
		pj := PriceJSON{BidderOrgID: p.OrgID, Name: p.Name, Years: []PriceYearJSON{}, TotalPence: p.TotalPence}
		for _, y := range p.Years {
			pj.Years = append(pj.Years, PriceYearJSON{Year: y.Year, Pence: y.Pence})
		}
		out.Prices = append(out.Prices, pj)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(out)
}

func (h *API) setPriceFormula(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in PriceFormulaInput) error {
		return h.Svc.SetPriceFormula(ctx, a, lot, in.PriceFormula)
	})
}

func (h *API) results(c *fiber.Ctx) error {
	v, err := h.Svc.Results(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return web.JSON(c, resultsAnswer{&v}) // resultsJSON(v)'s bytes, written by hand (api_json.go)
}

// resultsJSON is a lot's ranking as the results API answers it.
func resultsJSON(v ResultsView) ResultsJSON {
	out := ResultsJSON{LotID: v.Lot.ID, PriceFormula: v.Formula, Results: make([]ResultJSON, 0, len(v.Results))}
	for _, r := range v.Results {
		rj := ResultJSON{BidderOrgID: r.Bidder, Name: v.Names[r.Bidder], PricePence: r.PricePence, Sections: make([]SectionScoreJSON, 0, len(r.Sections)),
			Quality: r.QualityPercent(), PriceScore: r.PriceScorePercent(), Total: r.TotalPercent(), Excluded: r.Excluded,
			Reasons: web.OrEmpty(r.Reasons), Rank: r.Rank}
		for _, s := range r.Sections {
			sj := SectionScoreJSON{SectionID: s.SectionID, Title: s.Title, WeightBP: s.WeightBP, Score: s.Percent(),
				Questions: make([]QuestionScoreJSON, 0, len(s.Questions))}
			for _, q := range s.Questions {
				sj.Questions = append(sj.Questions, QuestionScoreJSON{QuestionID: q.QuestionID, Number: q.Number, Consensus: q.Consensus,
					MaxScore: q.MaxScore, WeightBP: q.WeightBP, Weighted: q.Percent()})
			}
			rj.Sections = append(rj.Sections, sj)
		}
		out.Results = append(out.Results, rj)
	}
	return out
}

// export downloads the lot's whole evaluation (export.go) as ?format=xlsx (the default) or csv.
func (h *API) export(c *fiber.Ctx) error {
	f, err := ParseExportFormat(c.Query("format"))
	if err != nil {
		return err
	}
	r, err := h.Svc.Export(c.UserContext(), web.ActorFrom(c), c.Params("lot"), f)
	if err != nil {
		return err
	}
	return sendExport(c, r, f)
}

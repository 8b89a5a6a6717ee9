package lots

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// The JSON face of the procurement service: decode, validate, one service call, answer. Every
// response is one of the explicit types below, never a model struct: those hold the wrapped
// key, sealed envelopes and document content. Money is in pence, weights in basis points, times
// in RFC 3339 UTC.

// --- response types ---

// ProcurementSummaryJSON is a line of a list of procurements or opportunities.
type ProcurementSummaryJSON struct {
	ID                 string    `json:"id"`
	Title              string    `json:"title"`
	Reference          string    `json:"reference"`
	State              State     `json:"state"`
	SubmissionDeadline time.Time `json:"submission_deadline"`
	Lead               *bool     `json:"lead,omitempty"` // the caller's organisation leads it (commissioner lists only)
}

// ParticipantJSON is a commissioner taking part.
type ParticipantJSON struct {
	OrgID string `json:"org_id"`
	Name  string `json:"name"`
}

// ProcurementJSON is the commissioner view of a procurement. EstimatedValuePence is present
// only for those allowed to see it (commercially sensitive).
type ProcurementJSON struct {
	ID                    string              `json:"id"`
	LeadOrgID             string              `json:"lead_org_id"`
	Title                 string              `json:"title"`
	Reference             string              `json:"reference"`
	Regime                Regime              `json:"regime"`
	Procedure             string              `json:"procedure"`
	Description           string              `json:"description"`
	TermYears             int                 `json:"term_years"`
	ExtensionYears        int                 `json:"extension_years"`
	EstimatedValuePence   *int64              `json:"estimated_value_pence,omitempty"`
	State                 State               `json:"state"`
	ClarificationDeadline time.Time           `json:"clarification_deadline"`
	SubmissionDeadline    time.Time           `json:"submission_deadline"`
	EvaluationStart       time.Time           `json:"evaluation_start"`
	AwardDate             time.Time           `json:"award_date"`
	ContractStart         time.Time           `json:"contract_start"`
	CreatedAt             time.Time           `json:"created_at"`
	UpdatedAt             time.Time           `json:"updated_at"`
	PublishedAt           *time.Time          `json:"published_at"`
	CanManage             bool                `json:"can_manage"`
	MyDecisionDue         bool                `json:"my_decision_due"`
	ResponsesOpen         bool                `json:"responses_open"`
	Participants          []ParticipantJSON   `json:"participants"`
	Lots                  []LotJSON           `json:"lots"`
	Approvals             []ApprovalJSON      `json:"approvals"`
	Documents             []DocumentJSON      `json:"documents"`
	Interests             []string            `json:"interests"`
	Clarifications        []ClarificationJSON `json:"clarifications"`
	Addenda               []AddendumJSON      `json:"addenda"`
	Opening               *OpeningJSON        `json:"opening"`
}

// LotJSON is a lot with its sites, phases and questionnaire.
type LotJSON struct {
	ID               string         `json:"id"`
	ProcurementID    string         `json:"procurement_id"`
	Number           int            `json:"number"`
	Title            string         `json:"title"`
	ServiceTypes     []string       `json:"service_types"`
	Description      string         `json:"description"`
	Participants     []string       `json:"participants"`
	ParticipantNames []string       `json:"participant_names"`
	Sites            []SiteJSON     `json:"sites"`
	Phases           []PhaseJSON    `json:"phases"`
	Sections         []SectionJSON  `json:"sections"`
	Questions        []QuestionJSON `json:"questions"`
	WeightProblem    string         `json:"weight_problem,omitempty"`
	Responses        *int           `json:"responses,omitempty"` // submitted responses that count (commissioners only)
}

// SiteJSON is where a lot's service is delivered.
type SiteJSON struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

// PhaseJSON is a go-live.
type PhaseJSON struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Service string    `json:"service"`
	SiteID  string    `json:"site_id,omitempty"`
	GoLive  time.Time `json:"go_live"`
}

// SectionJSON groups questions.
type SectionJSON struct {
	ID       string `json:"id"`
	Position int    `json:"position"`
	Title    string `json:"title"`
}

// QuestionJSON is one question; weight in basis points of the lot (10,000 = 100 %).
type QuestionJSON struct {
	ID        string       `json:"id"`
	SectionID string       `json:"section_id"`
	Position  int          `json:"position"`
	Number    string       `json:"number"`
	Text      string       `json:"text"`
	Guidance  string       `json:"guidance"`
	Kind      QuestionKind `json:"kind"`
	WeightBP  int          `json:"weight_bp"`
	MaxScore  int          `json:"max_score"`
	MinScore  int          `json:"min_score"`
	WordLimit int          `json:"word_limit"`
	Panel     Panel        `json:"panel,omitempty"`
}

// ApprovalJSON is a participating commissioner and its governing body's decision, if any.
type ApprovalJSON struct {
	OrgID       string     `json:"org_id"`
	OrgName     string     `json:"org_name"`
	Decision    string     `json:"decision,omitempty"` // approve, reject; absent while pending
	MeetingDate *time.Time `json:"meeting_date,omitempty"`
	MinuteRef   string     `json:"minute_ref,omitempty"`
	Part2       bool       `json:"part2"`
	Reason      string     `json:"reason,omitempty"` // only for those who may see commercially sensitive detail
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// DocumentJSON describes a document; Href downloads it.
type DocumentJSON struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Href        string    `json:"href"`
}

// ClarificationJSON is a clarification as the commissioners see it. AskerOrgID is present for
// the lead commissioner only, and never published to bidders.
type ClarificationJSON struct {
	ID          string     `json:"id"`
	Number      int        `json:"number"`
	Question    string     `json:"question"`
	AskedAt     time.Time  `json:"asked_at"`
	Answer      string     `json:"answer,omitempty"`
	PublishedAt *time.Time `json:"published_at"`
	AskerOrgID  string     `json:"asker_org_id,omitempty"`
}

// AddendumJSON is a published change.
type AddendumJSON struct {
	ID                    string     `json:"id"`
	Number                int        `json:"number"`
	Title                 string     `json:"title"`
	Body                  string     `json:"body"`
	ChangesResponses      bool       `json:"changes_responses"`
	NewSubmissionDeadline *time.Time `json:"new_submission_deadline,omitempty"`
	PublishedAt           time.Time  `json:"published_at"`
}

// OpeningJSON records who opened the responses, and when.
type OpeningJSON struct {
	StartedBy   string     `json:"started_by"`
	StartedAt   time.Time  `json:"started_at"`
	ConfirmedBy string     `json:"confirmed_by,omitempty"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
}

// ResponseJSON is one opened response: the quality envelope only; the price stays sealed.
type ResponseJSON struct {
	SubmissionID string           `json:"submission_id"`
	Bidder       string           `json:"bidder"`
	Partners     []string         `json:"partners"`
	Version      int              `json:"version"`
	SubmittedAt  *time.Time       `json:"submitted_at"`
	SHA256       string           `json:"sha256"`
	Answers      []AnswerJSON     `json:"answers"`
	Attachments  []AttachmentJSON `json:"attachments"`
}

// AnswerJSON is the answer to one question.
type AnswerJSON struct {
	QuestionID string `json:"question_id"`
	Text       string `json:"text"`
}

// PriceYearJSON is the price of one contract year, in pence.
type PriceYearJSON struct {
	Year  int   `json:"year"`
	Pence int64 `json:"pence"`
}

// OpportunityJSON is a published procurement as a provider sees it: never the estimated value,
// never who asked a clarification, and only the caller's own responses.
type OpportunityJSON struct {
	ID                    string                    `json:"id"`
	Title                 string                    `json:"title"`
	Reference             string                    `json:"reference"`
	Description           string                    `json:"description"`
	Procedure             string                    `json:"procedure"`
	Regime                Regime                    `json:"regime"`
	TermYears             int                       `json:"term_years"`
	ExtensionYears        int                       `json:"extension_years"`
	ClarificationDeadline time.Time                 `json:"clarification_deadline"`
	SubmissionDeadline    time.Time                 `json:"submission_deadline"`
	ContractStart         time.Time                 `json:"contract_start"`
	State                 State                     `json:"state"`
	Lead                  string                    `json:"lead"`
	Registered            bool                      `json:"registered"`
	Lots                  []OpportunityLotJSON      `json:"lots"`
	Documents             []DocumentJSON            `json:"documents"`
	Clarifications        []BidderClarificationJSON `json:"clarifications"`
	Addenda               []AddendumJSON            `json:"addenda"`
}

// OpportunityLotJSON is a lot with the caller's own latest response, if any.
type OpportunityLotJSON struct {
	LotJSON
	MyResponse *MyResponseJSON `json:"my_response"`
}

// MyResponseJSON is the caller's own latest response to a lot, unsealed for them alone.
type MyResponseJSON struct {
	SubmissionID   string           `json:"submission_id"`
	Version        int              `json:"version"`
	State          SubmissionState  `json:"state"`
	NeedsReconfirm bool             `json:"needs_reconfirm"`
	Counting       bool             `json:"counting"` // a submitted version counts
	Partners       []string         `json:"partners"`
	Answers        []AnswerJSON     `json:"answers"`
	Prices         []PriceYearJSON  `json:"prices"`
	Attachments    []AttachmentJSON `json:"attachments"`
	UpdatedAt      time.Time        `json:"updated_at"`
	Receipt        *ReceiptJSON     `json:"receipt"`
}

// BidderClarificationJSON is a clarification without its asker; Mine marks the caller's own.
type BidderClarificationJSON struct {
	Number      int        `json:"number"`
	Question    string     `json:"question"`
	Answer      string     `json:"answer,omitempty"`
	AskedAt     time.Time  `json:"asked_at"`
	PublishedAt *time.Time `json:"published_at"`
	Mine        bool       `json:"mine"`
}

// ReceiptJSON is what a bidder gets on submitting: when, and the SHA-256 of what was submitted.
type ReceiptJSON struct {
	SubmissionID string    `json:"submission_id"`
	Lot          int       `json:"lot"`
	Version      int       `json:"version"`
	SubmittedAt  time.Time `json:"submitted_at"`
	Reference    string    `json:"reference"`
	SHA256       string    `json:"sha256"`
}

// DraftJSON is a saved draft response.
type DraftJSON struct {
	SubmissionID string          `json:"submission_id"`
	LotID        string          `json:"lot_id"`
	Version      int             `json:"version"`
	State        SubmissionState `json:"state"`
	SHA256       string          `json:"sha256"`
	UpdatedAt    time.Time       `json:"updated_at"`
}

// TemplateJSON is a questionnaire template.
type TemplateJSON struct {
	Key         string                `json:"key"`
	Name        string                `json:"name"`
	Description string                `json:"description"`
	Sections    []TemplateSectionJSON `json:"sections"`
}

// TemplateSectionJSON is a template's section.
type TemplateSectionJSON struct {
	Title     string         `json:"title"`
	Questions []QuestionJSON `json:"questions"`
}

// --- request types the service does not already define ---

// CancelInput is the reason for cancelling.
type CancelInput struct {
	Reason string `json:"reason" validate:"required,max=2000" label:"the reason for cancelling"`
}

// TemplateInput names the template to apply to a lot.
type TemplateInput struct {
	Template string `json:"template" validate:"required,max=40" label:"the template"`
}

// ResponseInput is DraftInput as the API takes it: answers must be sent (an empty array is a
// draft with nothing in it yet), so that an empty object is refused rather than saved.
type ResponseInput struct {
	Answers  []Answer    `json:"answers" validate:"required,max=500,dive" label:"the answers"`
	Prices   []PriceYear `json:"prices" validate:"max=20,dive" label:"the price schedule"`
	Partners []string    `json:"partners" validate:"max=10,dive,max=200" label:"the partnership members"`
}

// --- mapping ---

func apiTime(t time.Time) time.Time { return t.UTC() }

func apiList(s string) []string {
	out := []string{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func questionJSON(q Question, withPanel bool) QuestionJSON {
	j := QuestionJSON{ID: q.ID, SectionID: q.SectionID, Position: q.Position, Number: q.Number, Text: q.Text, Guidance: q.Guidance,
		Kind: q.Kind, WeightBP: q.WeightBP, MaxScore: q.MaxScore, MinScore: q.MinScore, WordLimit: q.WordLimit}
	if withPanel {
		j.Panel = q.Panel
	}
	return j
}

func siteJSON(s Site) SiteJSON {
	return SiteJSON{ID: s.ID, OrgID: s.OrgID, Name: s.Name, Address: s.Address}
}

func phaseJSON(p Phase) PhaseJSON {
	return PhaseJSON{ID: p.ID, Name: p.Name, Service: p.Service, SiteID: p.SiteID, GoLive: apiTime(p.GoLive)}
}

// lotJSON maps a lot; commissioners also see the panel of each question and the number of responses.
func lotJSON(lv LotView, commissioner bool) LotJSON {
	j := LotJSON{ID: lv.ID, ProcurementID: lv.ProcurementID, Number: lv.Number, Title: lv.Title, ServiceTypes: apiList(lv.ServiceTypes),
		Description: lv.Description, Participants: web.OrEmpty(lv.Participants), ParticipantNames: web.OrEmpty(lv.ParticipantNames),
		Sites: []SiteJSON{}, Phases: []PhaseJSON{}, Sections: []SectionJSON{}, Questions: []QuestionJSON{}, WeightProblem: lv.WeightProblem}
	if commissioner {
		n := lv.Responses
		j.Responses = &n
	}
	for _, s := range lv.Sites {
		j.Sites = append(j.Sites, siteJSON(s))
	}
	for _, p := range lv.Phases {
		j.Phases = append(j.Phases, phaseJSON(p))
	}
	for _, s := range lv.Sections {
		j.Sections = append(j.Sections, SectionJSON{ID: s.ID, Position: s.Position, Title: s.Title})
	}
	for _, q := range lv.Questions {
		j.Questions = append(j.Questions, questionJSON(q, commissioner))
	}
	return j
}

func documentJSON(d Document, href string) DocumentJSON {
	return DocumentJSON{ID: d.ID, Kind: d.Kind, Name: d.Name, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256,
		UploadedAt: apiTime(d.UploadedAt), Href: href + "/documents/" + d.ID}
}

func addendumJSON(a Addendum) AddendumJSON {
	return AddendumJSON{ID: a.ID, Number: a.Number, Title: a.Title, Body: a.Body, ChangesResponses: a.ChangesResponses,
		NewSubmissionDeadline: web.TimeOrNull(a.NewSubmissionDeadline), PublishedAt: apiTime(a.PublishedAt)}
}

func receiptJSON(r Receipt) ReceiptJSON {
	return ReceiptJSON{SubmissionID: r.SubmissionID, Lot: r.Lot, Version: r.Version, SubmittedAt: apiTime(r.SubmittedAt), Reference: r.Reference(), SHA256: r.SHA256}
}

func procurementJSON(v ProcurementView) ProcurementJSON {
	href := procurementHref(v.ID)
	j := ProcurementJSON{ID: v.ID, LeadOrgID: v.LeadOrgID, Title: v.Title, Reference: v.Reference, Regime: v.Regime, Procedure: v.Procedure,
		Description: v.Description, TermYears: v.TermYears, ExtensionYears: v.ExtensionYears, State: v.Effective,
		ClarificationDeadline: apiTime(v.ClarificationDeadline), SubmissionDeadline: apiTime(v.SubmissionDeadline),
		EvaluationStart: apiTime(v.EvaluationStart), AwardDate: apiTime(v.AwardDate), ContractStart: apiTime(v.ContractStart),
		CreatedAt: apiTime(v.CreatedAt), UpdatedAt: apiTime(v.UpdatedAt), PublishedAt: web.TimeOrNull(v.PublishedAt),
		CanManage: v.CanManage, MyDecisionDue: v.MyDecisionDue, ResponsesOpen: v.ResponsesOpen,
		Participants: []ParticipantJSON{}, Lots: []LotJSON{}, Approvals: []ApprovalJSON{}, Documents: []DocumentJSON{},
		Interests: web.OrEmpty(v.Interests), Clarifications: []ClarificationJSON{}, Addenda: []AddendumJSON{}}
	if v.ShowValue {
		val := v.EstimatedValuePence
		j.EstimatedValuePence = &val
	}
	for _, p := range v.Participants {
		j.Participants = append(j.Participants, ParticipantJSON{OrgID: p.OrgID, Name: p.OrgName})
	}
	for _, l := range v.Lots {
		j.Lots = append(j.Lots, lotJSON(l, true))
	}
	for _, a := range v.Approvals {
		aj := ApprovalJSON{OrgID: a.OrgID, OrgName: a.OrgName}
		if d := a.Decision; d != nil {
			aj.Decision, aj.MeetingDate, aj.MinuteRef, aj.Part2, aj.DecidedAt = d.Decision, web.TimeOrNull(&d.MeetingDate), d.MinuteRef, d.Part2, web.TimeOrNull(&d.DecidedAt)
			if v.ShowValue {
				aj.Reason = d.Reason // a business case is taken in private: its reasons go where its value goes
			}
		}
		j.Approvals = append(j.Approvals, aj)
	}
	for _, d := range v.Documents {
		j.Documents = append(j.Documents, documentJSON(d, href))
	}
	for _, c := range v.Clarifications {
		cj := ClarificationJSON{ID: c.ID, Number: c.Number, Question: c.Question, AskedAt: apiTime(c.AskedAt), Answer: c.Answer, PublishedAt: web.TimeOrNull(c.PublishedAt)}
		if v.CanManage {
			cj.AskerOrgID = c.AskerOrgID
		}
		j.Clarifications = append(j.Clarifications, cj)
	}
	for _, a := range v.Addenda {
		j.Addenda = append(j.Addenda, addendumJSON(a))
	}
	if o := v.Opening; o != nil {
		j.Opening = &OpeningJSON{StartedBy: o.StartedBy, StartedAt: apiTime(o.StartedAt), ConfirmedBy: o.ConfirmedBy, ConfirmedAt: web.TimeOrNull(o.ConfirmedAt)}
	}
	return j
}

func opportunityJSON(v OpportunityView) OpportunityJSON {
	href := opportunityHref(v.ID)
	j := OpportunityJSON{ID: v.ID, Title: v.Title, Reference: v.Reference, Description: v.Description, Procedure: v.Procedure,
		Regime: v.Regime, TermYears: v.TermYears, ExtensionYears: v.ExtensionYears, ClarificationDeadline: apiTime(v.ClarificationDeadline),
		SubmissionDeadline: apiTime(v.SubmissionDeadline), ContractStart: apiTime(v.ContractStart), State: v.Effective, Lead: v.LeadName,
		Registered: v.Registered, Lots: []OpportunityLotJSON{}, Documents: []DocumentJSON{}, Clarifications: []BidderClarificationJSON{},
		Addenda: []AddendumJSON{}}
	for _, bl := range v.Lots {
		lj := OpportunityLotJSON{LotJSON: lotJSON(bl.LotView, false)}
		if bl.Latest != nil {
			mr := &MyResponseJSON{SubmissionID: bl.Latest.ID, Version: bl.Latest.Version, State: bl.Latest.State,
				NeedsReconfirm: bl.Latest.NeedsReconfirm, Counting: bl.Counting, Partners: apiList(bl.Latest.Partners),
				Answers: []AnswerJSON{}, Prices: []PriceYearJSON{}, UpdatedAt: apiTime(bl.Latest.UpdatedAt)}
			if bl.Content != nil {
				for _, a := range bl.Content.Answers {
					mr.Answers = append(mr.Answers, AnswerJSON{QuestionID: a.QuestionID, Text: a.Text})
				}
				for _, p := range bl.Content.Prices {
					mr.Prices = append(mr.Prices, PriceYearJSON{Year: p.Year, Pence: p.Pence})
				}
			}
			if bl.Receipt != nil {
				r := receiptJSON(*bl.Receipt)
				mr.Receipt = &r
			}
			mr.Attachments = []AttachmentJSON{}
			for _, a := range bl.Attachments {
				mr.Attachments = append(mr.Attachments, attachmentJSON(a, href+"/lots/"+bl.ID+"/attachments"))
			}
			lj.MyResponse = mr
		}
		j.Lots = append(j.Lots, lj)
	}
	for _, d := range v.Documents {
		j.Documents = append(j.Documents, documentJSON(d, href))
	}
	for _, c := range v.Clarifications {
		j.Clarifications = append(j.Clarifications, BidderClarificationJSON{Number: c.Number, Question: c.Question, Answer: c.Answer,
			AskedAt: apiTime(c.AskedAt), PublishedAt: web.TimeOrNull(c.PublishedAt), Mine: c.Mine})
	}
	for _, a := range v.Addenda {
		j.Addenda = append(j.Addenda, addendumJSON(a))
	}
	return j
}

func summariesJSON(list []ProcurementSummary, withLead bool) []ProcurementSummaryJSON {
	out := make([]ProcurementSummaryJSON, 0, len(list))
	for _, p := range list {
		j := ProcurementSummaryJSON{ID: p.ID, Title: p.Title, Reference: p.Reference, State: p.State, SubmissionDeadline: apiTime(p.SubmissionDeadline)}
		if withLead {
			lead := p.Lead
			j.Lead = &lead
		}
		out = append(out, j)
	}
	return out
}

func procurementHref(id string) string { return "/api/v1/procurements/" + id }

func opportunityHref(id string) string { return "/api/v1/opportunities/" + id }

// --- procurements ---

func (h *API) list(c *fiber.Ctx) error {
	list, err := h.Svc.Procurements(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"procurements": summariesJSON(list, true)})
}

func (h *API) create(c *fiber.Ctx) error {
	var in ProcurementInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	p, err := h.Svc.CreateProcurement(c.UserContext(), web.ActorFrom(c), in)
	if err != nil {
		return err
	}
	// The view, not the model: it says what this caller may see (the value among it).
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), p.ID)
	if err != nil {
		return err
	}
	return web.Created(c, procurementHref(p.ID), procurementJSON(v))
}

func (h *API) show(c *fiber.Ctx) error {
	v, err := h.Svc.Procurement(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(procurementJSON(v))
}

func (h *API) update(c *fiber.Ctx) error {
	ctx, a, id := c.UserContext(), web.ActorFrom(c), c.Params("id")
	var in ProcurementInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if _, err := h.Svc.UpdateProcurement(ctx, a, id, in); err != nil {
		return err
	}
	v, err := h.Svc.Procurement(ctx, a, id)
	if err != nil {
		return err
	}
	return c.JSON(procurementJSON(v))
}

// A lot and what is added to it are read back as part of the procurement.

func (h *API) addLot(c *fiber.Ctx) error {
	return web.Add(c, procurementHref(c.Params("id")), "id", h.Svc.AddLot, func(l Lot) LotJSON { return lotJSON(LotView{Lot: l}, false) })
}

func (h *API) addSite(c *fiber.Ctx) error {
	return web.Add(c, procurementHref(c.Params("id")), "lot", h.Svc.AddSite, siteJSON)
}

func (h *API) addPhase(c *fiber.Ctx) error {
	return web.Add(c, procurementHref(c.Params("id")), "lot", h.Svc.AddPhase, phaseJSON)
}

func (h *API) addQuestion(c *fiber.Ctx) error {
	return web.Add(c, procurementHref(c.Params("id")), "lot", h.Svc.AddQuestion, func(q Question) QuestionJSON { return questionJSON(q, true) })
}

func (h *API) applyTemplate(c *fiber.Ctx) error {
	return web.ActWith(c, "lot", func(ctx context.Context, a *access.Actor, lot string, in TemplateInput) error {
		return h.Svc.ApplyTemplate(ctx, a, lot, in.Template)
	})
}

func (h *API) responses(c *fiber.Ctx) error {
	ctx, id, lot := c.UserContext(), c.Params("id"), c.Params("lot")
	list, err := h.Svc.Responses(ctx, web.ActorFrom(c), id, lot)
	if err != nil {
		return err
	}
	out := make([]ResponseJSON, 0, len(list))
	for _, r := range list {
		rj := ResponseJSON{SubmissionID: r.SubmissionID, Bidder: r.Bidder, Partners: apiList(r.Partners), Version: r.Version,
			SubmittedAt: web.TimeOrNull(r.SubmittedAt), SHA256: r.SHA256, Answers: []AnswerJSON{}}
		for q, text := range r.Answers {
			rj.Answers = append(rj.Answers, AnswerJSON{QuestionID: q, Text: text})
		}
		sort.Slice(rj.Answers, func(i, j int) bool { return rj.Answers[i].QuestionID < rj.Answers[j].QuestionID })
		rj.Attachments = []AttachmentJSON{}
		for _, a := range r.Attachments {
			rj.Attachments = append(rj.Attachments, attachmentJSON(a, procurementHref(id)+"/lots/"+lot+"/responses/attachments"))
		}
		out = append(out, rj)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"responses": out})
}

// --- documents ---

func (h *API) upload(c *fiber.Ctx) error {
	ctx, id := c.UserContext(), c.Params("id")
	name, content, err := readUpload(c)
	if err != nil {
		return err
	}
	d, err := h.Svc.UploadDocument(ctx, web.ActorFrom(c), id, c.FormValue("kind"), name, content)
	if err != nil {
		return err
	}
	href := procurementHref(id)
	return web.Created(c, href+"/documents/"+d.ID, documentJSON(d, href))
}

func (h *API) download(c *fiber.Ctx) error { return sendDocument(c, h.Svc.Document) }

// --- approval, publication, cancellation ---

func (h *API) submitForApproval(c *fiber.Ctx) error { return web.Act(c, "id", h.Svc.SubmitForApproval) }

func (h *API) returnToDraft(c *fiber.Ctx) error { return web.Act(c, "id", h.Svc.ReturnToDraft) }

// publish takes an optional body: {"confirm_short_tender_period": true} confirms a tender
// period shorter than MinTenderDays; without it such a period is refused, naming it.
func (h *API) publish(c *fiber.Ctx) error {
	if strings.TrimSpace(string(c.Body())) == "" {
		return web.Act(c, "id", func(ctx context.Context, a *access.Actor, id string) error {
			return h.Svc.Publish(ctx, a, id, PublishInput{})
		})
	}
	return web.ActWith(c, "id", h.Svc.Publish)
}

func (h *API) cancel(c *fiber.Ctx) error {
	return web.ActWith(c, "id", func(ctx context.Context, a *access.Actor, id string, in CancelInput) error {
		return h.Svc.Cancel(ctx, a, id, in.Reason)
	})
}

func (h *API) decide(c *fiber.Ctx) error { return web.ActWith(c, "id", h.Svc.Decide) }

// --- clarifications and addenda ---

func (h *API) answer(c *fiber.Ctx) error {
	return web.ActWith(c, "id", func(ctx context.Context, a *access.Actor, id string, in AnswerInput) error {
		return h.Svc.AnswerClarification(ctx, a, id, c.Params("cid"), in)
	})
}

func (h *API) addendum(c *fiber.Ctx) error {
	return web.Add(c, procurementHref(c.Params("id")), "id", h.Svc.PublishAddendum, addendumJSON)
}

// --- opening ---

func (h *API) startOpening(c *fiber.Ctx) error { return web.Act(c, "id", h.Svc.StartOpening) }

func (h *API) confirmOpening(c *fiber.Ctx) error { return web.Act(c, "id", h.Svc.ConfirmOpening) }

// --- templates ---

func (h *API) templates(c *fiber.Ctx) error {
	out := make([]TemplateJSON, 0, len(Templates))
	for _, t := range Templates {
		tj := TemplateJSON{Key: t.Key, Name: t.Name, Description: t.Description, Sections: []TemplateSectionJSON{}}
		for _, s := range t.Sections {
			sj := TemplateSectionJSON{Title: s.Title, Questions: []QuestionJSON{}}
			for _, q := range s.Questions {
				sj.Questions = append(sj.Questions, QuestionJSON{Number: q.Number, Text: q.Text, Guidance: q.Guidance, Kind: q.Kind,
					WeightBP: q.WeightBP, MaxScore: q.MaxScore, MinScore: q.MinScore, WordLimit: q.WordLimit, Panel: q.Panel})
			}
			tj.Sections = append(tj.Sections, sj)
		}
		out = append(out, tj)
	}
	return c.JSON(fiber.Map{"templates": out, "score_descriptors": ScoreDescriptors})
}

// --- the bidder's side ---

func (h *API) opportunities(c *fiber.Ctx) error {
	list, err := h.Svc.Opportunities(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"opportunities": summariesJSON(list, false)})
}

func (h *API) opportunity(c *fiber.Ctx) error {
	v, err := h.Svc.Opportunity(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(opportunityJSON(v))
}

func (h *API) opportunityDocument(c *fiber.Ctx) error {
	return sendDocument(c, h.Svc.OpportunityDocument)
}

func (h *API) registerInterest(c *fiber.Ctx) error { return web.Act(c, "id", h.Svc.RegisterInterest) }

func (h *API) ask(c *fiber.Ctx) error {
	return web.Add(c, opportunityHref(c.Params("id")), "id", h.Svc.AskClarification, func(cl Clarification) BidderClarificationJSON {
		return BidderClarificationJSON{Number: cl.Number, Question: cl.Question, AskedAt: apiTime(cl.AskedAt), Mine: true}
	})
}

func (h *API) saveResponse(c *fiber.Ctx) error {
	ctx, lot := c.UserContext(), c.Params("lot")
	var in ResponseInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	sub, err := h.Svc.SaveDraft(ctx, web.ActorFrom(c), lot, DraftInput(in))
	if err != nil {
		return err
	}
	return c.JSON(DraftJSON{SubmissionID: sub.ID, LotID: sub.LotID, Version: sub.Version, State: sub.State,
		SHA256: sub.ContentSHA256, UpdatedAt: apiTime(sub.UpdatedAt)})
}

func (h *API) submit(c *fiber.Ctx) error {
	ctx, lot := c.UserContext(), c.Params("lot")
	r, err := h.Svc.Submit(ctx, web.ActorFrom(c), lot)
	if err != nil {
		return err
	}
	return c.JSON(receiptJSON(r))
}

func (h *API) withdraw(c *fiber.Ctx) error { return web.Act(c, "lot", h.Svc.Withdraw) }

// --- response attachments ---

// AttachmentJSON is a file attached to a response (its content is downloaded separately).
type AttachmentJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	UploadedAt  time.Time `json:"uploaded_at"`
	Href        string    `json:"href"`
}

func attachmentJSON(a Attachment, href string) AttachmentJSON {
	return AttachmentJSON{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256,
		UploadedAt: a.UploadedAt.UTC(), Href: href + "/" + a.ID}
}

func (h *API) addAttachment(c *fiber.Ctx) error {
	name, content, err := readUpload(c)
	if err != nil {
		return err
	}
	a, err := h.Svc.AddAttachment(c.UserContext(), web.ActorFrom(c), c.Params("lot"), name, content)
	if err != nil {
		return err
	}
	href := opportunityHref(c.Params("id")) + "/lots/" + c.Params("lot") + "/attachments"
	return web.Created(c, href+"/"+a.ID, attachmentJSON(a, href))
}

func (h *API) removeAttachment(c *fiber.Ctx) error {
	return web.Act(c, "lot", func(ctx context.Context, a *access.Actor, lot string) error {
		return h.Svc.RemoveAttachment(ctx, a, lot, c.Params("att"))
	})
}

func (h *API) ownAttachment(c *fiber.Ctx) error { return sendAttachment(c, h.Svc.OwnAttachment) }

func (h *API) openedAttachment(c *fiber.Ctx) error { return sendAttachment(c, h.Svc.OpenedAttachment) }

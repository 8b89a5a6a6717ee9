package evaluation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/lots"
	"golive/tenants/access"
	"golive/web"
)

// The panel and the evaluator's scoring, for people: an evaluator's list of lots, the lead's
// overview of a lot's panel with its forms (add, assign, take off), the evaluator's workspace
// (declarations of interest first, then progress and submission) and the scoring sheet of one
// bidder. Each handler reads the form, calls the service and renders, or redirects with a flash.

func (h *Pages) mountPanelPages(app fiber.Router, guard web.Guard) {
	score, manage := guard(access.PermEvaluate), guard(access.PermPanelManage)
	lot := Scoped(h.Svc.Visible)

	app.Get("/evaluations", score, h.myEvaluations)
	const p = "/evaluations/lots/:lot"
	// the lead
	app.Get(p, manage, lot, h.overview)
	app.Post(p+"/panel", manage, lot, h.addEvaluator)
	app.Post(p+"/panel/:user/questions", manage, lot, h.assignQuestions)
	app.Post(p+"/panel/:user/remove", manage, lot, h.removeEvaluator)
	// the evaluator
	app.Get(p+"/workspace", score, lot, h.workspace)
	app.Post(p+"/declarations", score, lot, h.declare)
	app.Get(p+"/scores/check", score, lot, h.checkScores)
	app.Post(p+"/scores/submit", score, lot, h.submitScores)
	app.Get(p+"/bidders/:bidder", score, lot, h.sheet)
	app.Post(p+"/bidders/:bidder", score, lot, h.saveSheet)
}

func overviewPath(lotID string) string  { return "/evaluations/lots/" + lotID }
func workspacePath(lotID string) string { return "/evaluations/lots/" + lotID + "/workspace" }
func sheetPath(lotID, bidder string) string {
	return "/evaluations/lots/" + lotID + "/bidders/" + bidder
}

var panelNames = map[lots.Panel]string{lots.Clinical: "Clinical", lots.Patient: "Patient experience", lots.Finance: "Finance"}

// --- the evaluator's lots ---

// MyLotRow is a line of the evaluator's list, with where they stand as a tag.
type MyLotRow struct {
	MyLot
	Status, StatusClass string
}

// MyEvaluationsPage lists the lots on whose panel the signed-in person sits.
type MyEvaluationsPage struct {
	Lots []MyLotRow
}

func (h *Pages) myEvaluations(c *fiber.Ctx) error {
	ls, err := h.Svc.MyEvaluations(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	page := MyEvaluationsPage{}
	for _, l := range ls {
		r := MyLotRow{MyLot: l}
		switch {
		case l.SubmittedAt != nil:
			r.Status, r.StatusClass = "Submitted", "nhsuk-tag--green"
		case !l.Declared:
			r.Status, r.StatusClass = "Declare your interests", "nhsuk-tag--yellow"
		case l.Marked == l.ToMark:
			r.Status, r.StatusClass = "Ready to submit", "nhsuk-tag--blue"
		default:
			r.Status, r.StatusClass = "Scoring", "nhsuk-tag--white"
		}
		page.Lots = append(page.Lots, r)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "evaluation/list", "Your evaluations", page, nil)
}

// --- the lead's overview of a lot ---

// PanelMemberRow is an evaluator on the panel with the forms that change their place on it.
type PanelMemberRow struct {
	MemberView
	Assign     []web.Option // the questions they may be given, theirs checked
	Reason     string       // what was typed as the reason to take them off
	AssignErrs map[string]string
	RemoveErrs map[string]string
}

// PanelQuestionRow is a quality question and where its moderation is.
type PanelQuestionRow struct {
	QuestionStatus
	PanelLabel          string
	Status, StatusClass string
}

// AddEvaluatorForm puts a commissioner's evaluator (the form "add") or a Healthwatch evaluator
// ("addhw") on the panel; its fields' ids start with the form's name.
type AddEvaluatorForm struct {
	People    []web.Option
	Questions []web.Option
	Errs      map[string]string
}

// PanelOverviewPage is the lead's evaluation of one lot: the panel and its forms, and moderation.
type PanelOverviewPage struct {
	V               PanelView
	Members         []PanelMemberRow
	Questions       []PanelQuestionRow
	Add, AddHW      AddEvaluatorForm
	CanSeeResults   bool // the results and award pages show the value: a separate permission
	Bidders         int
	ModerationReady int // questions whose evaluators have all submitted, waiting for moderation
}

func (h *Pages) overviewPage(c *fiber.Ctx) (PanelOverviewPage, error) {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	v, err := h.Svc.Panel(ctx, a, lotID)
	if err != nil {
		return PanelOverviewPage{}, err
	}
	el, err := h.Svc.EligibleEvaluators(ctx, a, lotID)
	if err != nil {
		return PanelOverviewPage{}, err
	}
	page := PanelOverviewPage{V: v, Bidders: len(v.Bidders), CanSeeResults: h.can(c, access.PermProcValue),
		Add: AddEvaluatorForm{Errs: map[string]string{}}, AddHW: AddEvaluatorForm{Errs: map[string]string{}}}
	page.Add.People = []web.Option{{Value: "", Label: "Choose an evaluator"}}
	page.AddHW.People = []web.Option{{Value: "", Label: "Choose a Healthwatch evaluator"}}
	for _, e := range el {
		o := web.Option{Value: e.UserID, Label: e.Name + ", " + e.OrgName}
		if e.Healthwatch {
			page.AddHW.People = append(page.AddHW.People, o)
		} else {
			page.Add.People = append(page.Add.People, o)
		}
	}
	for _, q := range v.Questions {
		o := web.Option{Value: q.Question.ID, Label: q.Question.Number + " " + q.Question.Text + " (" + panelNames[q.Question.Panel] + ")"}
		page.Add.Questions = append(page.Add.Questions, o)
		if CheckAssignment(q.Question, true) == "" {
			page.AddHW.Questions = append(page.AddHW.Questions, o)
		}
		r := PanelQuestionRow{QuestionStatus: q, PanelLabel: panelNames[q.Question.Panel]}
		switch {
		case q.ModerationStarted && q.Consensus == len(v.Bidders):
			r.Status, r.StatusClass = "Consensus recorded", "nhsuk-tag--green"
		case q.ModerationStarted:
			r.Status, r.StatusClass = "Moderation started", "nhsuk-tag--blue"
		case q.Evaluators == 0:
			r.Status, r.StatusClass = "Nobody scores it yet", "nhsuk-tag--red"
		case len(q.Awaiting) == 0:
			r.Status, r.StatusClass = "Ready for moderation", "nhsuk-tag--aqua-green"
			page.ModerationReady++
		default:
			r.Status, r.StatusClass = "Scoring", "nhsuk-tag--white"
		}
		page.Questions = append(page.Questions, r)
	}
	for _, m := range v.Members {
		row := PanelMemberRow{MemberView: m, AssignErrs: map[string]string{}, RemoveErrs: map[string]string{}}
		for _, q := range v.Questions {
			if CheckAssignment(q.Question, m.Healthwatch) != "" {
				continue
			}
			row.Assign = append(row.Assign, web.Option{Value: q.Question.ID, Label: q.Question.Number + " " + q.Question.Text,
				Checked: slices.Contains(m.QuestionIDs, q.Question.ID)})
		}
		page.Members = append(page.Members, row)
	}
	return page, nil
}

// chosenQuestions words the validator's messages about the question checkboxes as a choice,
// and keys one that names an item ("questions[2]", a tampered value) to the checkboxes.
func chosenQuestions(fields map[string]string, chosen []string) map[string]string {
	for k := range fields {
		if strings.HasPrefix(k, "questions[") {
			delete(fields, k)
			fields["questions"] = "Select the questions from the list"
		}
	}
	if len(chosen) == 0 {
		fields["questions"] = "Select at least one question for the evaluator to score"
	}
	return fields
}

func panelPageTitle(l lots.Lot) string {
	return "Evaluation of lot " + strconv.Itoa(l.Number) + ": " + l.Title
}

func (h *Pages) overview(c *fiber.Ctx) error {
	page, err := h.overviewPage(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "evaluation/overview", panelPageTitle(page.V.Lot), page, nil)
}

// overviewError shows the overview again with one form's messages beside its fields: the
// form's fields have ids prefixed with its key ("add-user_id", "assign-<user>-questions").
func (h *Pages) overviewError(c *fiber.Ctx, err error, form string, fill func(*PanelOverviewPage, map[string]string)) error {
	fields, status := web.FormFields(err)
	if fields == nil {
		return err
	}
	page, perr := h.overviewPage(c)
	if perr != nil {
		return perr
	}
	fill(&page, fields)
	return h.Web.Render(c.Status(status), "evaluation/overview", panelPageTitle(page.V.Lot), page, web.Prefixed(fields, form+"-"))
}

func (h *Pages) addEvaluator(c *fiber.Ctx) error {
	f := web.NewForm(c)
	form := "add"
	if f.Str("form") == "addhw" {
		form = "addhw"
	}
	in := EvaluatorInput{UserID: f.Str("user_id"), Questions: f.All("questions")}
	fill := func(p *PanelOverviewPage, fields map[string]string) {
		af := &p.Add
		if form == "addhw" {
			af = &p.AddHW
		}
		af.Errs = fields
		for i := range af.People {
			af.People[i].Selected = af.People[i].Value == in.UserID
		}
		for i := range af.Questions {
			af.Questions[i].Checked = slices.Contains(in.Questions, af.Questions[i].Value)
		}
	}
	if fields := f.Check(&in); fields != nil {
		// the validator's words are for typed fields; these are chosen
		if in.UserID == "" {
			fields["user_id"] = "Select who to put on the panel"
		}
		return h.overviewError(c, apperr.InvalidFields(chosenQuestions(fields, in.Questions)), form, fill)
	}
	if _, err := h.Svc.AddEvaluator(c.UserContext(), web.ActorFrom(c), c.Params("lot"), in); err != nil {
		return h.overviewError(c, err, form, fill)
	}
	return done(c, overviewPath(c.Params("lot")), "Evaluator added to the panel.")
}

func (h *Pages) assignQuestions(c *fiber.Ctx) error {
	f := web.NewForm(c)
	user := c.Params("user")
	in := AssignInput{Questions: f.All("questions")}
	form := "assign-" + user
	fill := func(p *PanelOverviewPage, fields map[string]string) {
		for i := range p.Members {
			if p.Members[i].UserID == user {
				p.Members[i].AssignErrs = fields
				for j := range p.Members[i].Assign {
					p.Members[i].Assign[j].Checked = slices.Contains(in.Questions, p.Members[i].Assign[j].Value)
				}
			}
		}
	}
	if fields := f.Check(&in); fields != nil {
		return h.overviewError(c, apperr.InvalidFields(chosenQuestions(fields, in.Questions)), form, fill)
	}
	if err := h.Svc.AssignQuestions(c.UserContext(), web.ActorFrom(c), c.Params("lot"), user, in.Questions); err != nil {
		return h.overviewError(c, err, form, fill)
	}
	return done(c, overviewPath(c.Params("lot")), "The evaluator's questions are changed.")
}

func (h *Pages) removeEvaluator(c *fiber.Ctx) error {
	f := web.NewForm(c)
	user := c.Params("user")
	in := RemovalInput{Reason: f.Str("reason")}
	form := "remove-" + user
	fill := func(p *PanelOverviewPage, fields map[string]string) {
		for i := range p.Members {
			if p.Members[i].UserID == user {
				p.Members[i].RemoveErrs, p.Members[i].Reason = fields, in.Reason
			}
		}
	}
	if fields := f.Check(&in); fields != nil {
		return h.overviewError(c, apperr.InvalidFields(fields), form, fill)
	}
	if err := h.Svc.RemoveEvaluator(c.UserContext(), web.ActorFrom(c), c.Params("lot"), user, in.Reason); err != nil {
		return h.overviewError(c, err, form, fill)
	}
	return done(c, overviewPath(c.Params("lot")), "The evaluator is no longer on the panel.")
}

// --- the evaluator's workspace ---

// DeclarationRow asks about one bidder the evaluator has not declared about yet.
type DeclarationRow struct {
	Bidder
	DecisionName, ReasonName string
	Options                  []web.Option
	Reason                   string
}

// WorkspaceBidderRow is a bidder in the evaluator's workspace once they have declared.
type WorkspaceBidderRow struct {
	Bidder
	Conflicted     bool
	Marked, ToMark int
}

// WorkspacePage is the evaluator's view of a lot.
type WorkspacePage struct {
	V        WorkspaceView
	Declare  []DeclarationRow
	Bidders  []WorkspaceBidderRow
	Complete bool // every mark given: ready to check and submit
}

func (h *Pages) workspacePage(c *fiber.Ctx) (WorkspacePage, error) {
	v, err := h.Svc.Workspace(c.UserContext(), web.ActorFrom(c), c.Params("lot"))
	if err != nil {
		return WorkspacePage{}, err
	}
	page := WorkspacePage{V: v, Complete: len(v.Missing) == 0}
	for _, b := range v.Bidders {
		if b.Declaration == nil {
			page.Declare = append(page.Declare, DeclarationRow{Bidder: b.Bidder, DecisionName: "decision-" + b.OrgID, ReasonName: "reason-" + b.OrgID,
				Options: declareOptions(b.Name, "")})
			continue
		}
		r := WorkspaceBidderRow{Bidder: b.Bidder, Conflicted: *b.Declaration == Conflicted}
		if !r.Conflicted {
			r.ToMark = len(v.Questions)
			for _, sc := range v.Scores {
				if sc.BidderOrgID == b.OrgID && isQuestionIn(v.Questions, sc.QuestionID) {
					r.Marked++
				}
			}
		}
		page.Bidders = append(page.Bidders, r)
	}
	return page, nil
}

func declareOptions(bidder, chosen string) []web.Option {
	return web.OptionsOf([]string{string(NoInterest), string(Conflicted)}, map[string]string{
		string(NoInterest): "I have no interest in " + bidder,
		string(Conflicted): "I have a conflict of interest with " + bidder}, chosen)
}

func isQuestionIn(qs []lots.Question, id string) bool {
	for _, q := range qs {
		if q.ID == id {
			return true
		}
	}
	return false
}

func workspaceTitle(v WorkspaceView) string {
	return "Your evaluation of lot " + strconv.Itoa(v.LotNumber) + ": " + v.LotTitle
}

func (h *Pages) workspace(c *fiber.Ctx) error {
	page, err := h.workspacePage(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "evaluation/workspace", workspaceTitle(page.V), page, nil)
}

// declare records a declaration about each bidder on the form, one at a time: each is its own
// audited decision, so one refused leaves the others recorded, and the page shows both.
func (h *Pages) declare(c *fiber.Ctx) error {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	v, err := h.Svc.Workspace(ctx, a, lotID)
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	fields := map[string]string{}
	typed := map[string]DeclarationInput{}
	status, asked := fiber.StatusUnprocessableEntity, 0
	for _, b := range v.Bidders {
		if b.Declaration != nil {
			continue
		}
		asked++
		dn, rn := "decision-"+b.OrgID, "reason-"+b.OrgID
		in := DeclarationInput{BidderOrgID: b.OrgID, Decision: Interest(f.Str(dn)), Reason: f.Str(rn)}
		typed[b.OrgID] = in
		if in.Decision == "" {
			fields[dn] = "Say whether you have a conflict of interest with " + b.Name
			continue
		}
		fe := f.Check(&in)
		if fe == nil {
			err := h.Svc.Declare(ctx, a, lotID, in)
			if err == nil {
				continue
			}
			if fe, status = web.FormFields(err); fe == nil {
				return err
			}
		}
		for k, m := range fe {
			switch k {
			case "decision":
				fields[dn] = m
			case "reason":
				fields[rn] = m
			default:
				fields["_"+b.OrgID+k] = m
			}
		}
	}
	if asked == 0 {
		return done(c, workspacePath(lotID), "You have declared your interests about every bidder.")
	}
	if len(fields) == 0 {
		return done(c, workspacePath(lotID), "Your declarations are recorded. You can now read and score the responses.")
	}
	page, err := h.workspacePage(c)
	if err != nil {
		return err
	}
	for i, r := range page.Declare {
		if in, ok := typed[r.OrgID]; ok {
			page.Declare[i].Options = declareOptions(r.Name, string(in.Decision))
			page.Declare[i].Reason = in.Reason
		}
	}
	return h.Web.Render(c.Status(status), "evaluation/workspace", workspaceTitle(page.V), page, fields)
}

// --- the scoring sheet of one bidder ---

// SheetItem is one question on the scoring sheet: the question, the answer, and the fields
// that mark it, named per question so one form marks them all.
type SheetItem struct {
	Q            lots.Question
	Answer       string
	PassFail     bool
	Radios       bool   // a short scale, chosen by radios; a long one is typed
	MarkName     string // "score-<question>" or "passed-<question>"
	RationaleNm  string // "rationale-<question>"
	Options      []web.Option
	Score        string // a typed score on a long scale
	Rationale    string
	Mark         *IndividualScore
	MarkedBefore bool
	MarkText     string // the saved mark as read once locked: "3 of 4", "Pass"
}

// SheetPage marks one bidder on the evaluator's questions.
type SheetPage struct {
	S            ScoreSheet
	Items        []SheetItem
	Locked       bool
	Saved        int // marks saved by a post whose other marks were refused
	MinRationale int
}

// The 0 to 4 scale of the templates reads with its descriptors; any other scale by number.
func scaleOptions(q lots.Question, chosen string) []web.Option {
	var vals []string
	labels := map[string]string{}
	for n := 0; n <= q.MaxScore; n++ {
		v := strconv.Itoa(n)
		vals = append(vals, v)
		if q.MaxScore == len(lots.ScoreDescriptors)-1 {
			labels[v] = lots.ScoreDescriptors[n]
		}
	}
	return web.OptionsOf(vals, labels, chosen)
}

func passOptions(chosen string) []web.Option {
	return web.OptionsOf([]string{"pass", "fail"}, map[string]string{"pass": "Pass", "fail": "Fail"}, chosen)
}

// maxRadios is the longest scale offered as radios; beyond it a number is typed.
const maxRadios = 10

func (h *Pages) sheetPage(c *fiber.Ctx) (SheetPage, error) {
	s, err := h.Svc.Sheet(c.UserContext(), web.ActorFrom(c), c.Params("lot"), c.Params("bidder"))
	if err != nil {
		return SheetPage{}, err
	}
	page := SheetPage{S: s, Locked: s.SubmittedAt != nil, MinRationale: MinRationale}
	for _, sq := range s.Questions {
		q := sq.Question
		it := SheetItem{Q: q, Answer: sq.Answer, PassFail: q.Kind == lots.PassFail, Radios: q.MaxScore <= maxRadios,
			MarkName: "score-" + q.ID, RationaleNm: "rationale-" + q.ID, Mark: sq.Mark, MarkedBefore: sq.Mark != nil}
		chosen := ""
		it.MarkText = ownMarkText(q, sq.Mark)
		if sq.Mark != nil {
			it.Rationale = sq.Mark.Rationale
			switch {
			case sq.Mark.Passed != nil && *sq.Mark.Passed:
				chosen = "pass"
			case sq.Mark.Passed != nil:
				chosen = "fail"
			case sq.Mark.Score != nil:
				chosen = strconv.Itoa(*sq.Mark.Score)
			}
		}
		if it.PassFail {
			it.MarkName, it.Options = "passed-"+q.ID, passOptions(chosen)
		} else {
			it.Options, it.Score = scaleOptions(q, chosen), chosen
		}
		page.Items = append(page.Items, it)
	}
	return page, nil
}

// ownMarkText reads a saved mark as the evaluator gave it: "3 of 4", "Pass", or "Not marked".
func ownMarkText(q lots.Question, m *IndividualScore) string {
	switch {
	case m == nil:
		return "Not marked"
	case m.Passed != nil && *m.Passed:
		return "Pass"
	case m.Passed != nil:
		return "Fail"
	case m.Score != nil:
		return strconv.Itoa(*m.Score) + " of " + strconv.Itoa(q.MaxScore)
	}
	return "Not marked"
}

func sheetTitle(s ScoreSheet) string { return "Score " + s.Bidder.Name }

func (h *Pages) sheet(c *fiber.Ctx) error {
	page, err := h.sheetPage(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.render(c, "evaluation/score", sheetTitle(page.S), page, nil)
}

// saveSheet records the mark of each question the evaluator filled in, each through
// RecordScore; a question left blank is left for later. A refused mark is shown beside its
// fields with what was typed, the others are saved.
func (h *Pages) saveSheet(c *fiber.Ctx) error {
	ctx, a, lotID := c.UserContext(), web.ActorFrom(c), c.Params("lot")
	s, err := h.Svc.Sheet(ctx, a, lotID, c.Params("bidder"))
	if err != nil {
		return err
	}
	f := web.NewForm(c)
	fields := map[string]string{}
	type typedMark struct{ mark, rationale string }
	typed := map[string]typedMark{}
	status, tried, saved := 0, 0, 0
	for _, sq := range s.Questions {
		q := sq.Question
		markName, rn := "score-"+q.ID, "rationale-"+q.ID
		if q.Kind == lots.PassFail {
			markName = "passed-" + q.ID
		}
		raw, rationale := strings.TrimSpace(f.Str(markName)), f.Str(rn)
		if raw == "" && strings.TrimSpace(rationale) == "" {
			continue
		}
		tried++
		typed[q.ID] = typedMark{raw, rationale}
		in := ScoreInput{QuestionID: q.ID, BidderOrgID: s.Bidder.OrgID, Rationale: rationale}
		fe := map[string]string{}
		switch {
		case raw == "":
		case q.Kind == lots.PassFail && (raw == "pass" || raw == "fail"):
			passed := raw == "pass"
			in.Passed = &passed
		case q.Kind == lots.PassFail:
			fe["passed"] = fmt.Sprintf("Say whether the response passes question %s", q.Number)
		default:
			n, err := strconv.Atoi(raw)
			if err != nil {
				fe["score"] = fmt.Sprintf("Give question %s a score from 0 to %d, as a whole number", q.Number, q.MaxScore)
			} else {
				in.Score = &n
			}
		}
		if len(fe) == 0 {
			if v := f.Check(&in); v != nil {
				fe = v
			}
		}
		if len(fe) == 0 {
			err := h.Svc.RecordScore(ctx, a, lotID, in)
			if err == nil {
				saved++
				continue
			}
			var st int
			if fe, st = web.FormFields(err); fe == nil {
				return err
			}
			if status == 0 {
				status = st
			}
		}
		for k, m := range fe {
			switch k {
			case "score":
				fields["score-"+q.ID] = m
			case "passed":
				fields["passed-"+q.ID] = m
			case "rationale":
				fields[rn] = m
			default:
				fields["_"+q.ID+k] = m
			}
		}
	}
	if tried == 0 {
		fields["_form"] = "Give a score and a rationale for at least one question"
	}
	if len(fields) == 0 {
		return done(c, c.Path(), fmt.Sprintf("Your marks for %s are saved. You can change them until you submit your scores.", s.Bidder.Name))
	}
	page, err := h.sheetPage(c)
	if err != nil {
		return err
	}
	page.Saved = saved
	for i, it := range page.Items {
		tm, ok := typed[it.Q.ID]
		if !ok || (fields[it.MarkName] == "" && fields[it.RationaleNm] == "" && !hasKeyPrefix(fields, "_"+it.Q.ID)) {
			continue // saved, or left blank: the page shows what is recorded
		}
		page.Items[i].Rationale = tm.rationale
		if it.PassFail {
			page.Items[i].Options = passOptions(tm.mark)
		} else {
			page.Items[i].Options, page.Items[i].Score = scaleOptions(it.Q, tm.mark), tm.mark
		}
	}
	if status == 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.Web.Render(c.Status(status), "evaluation/score", sheetTitle(page.S), page, fields)
}

func hasKeyPrefix(m map[string]string, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

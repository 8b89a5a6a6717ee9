package tenants

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/apperr"
	"golive/tenants/access"
	"golive/ukclock"
	"golive/web"
)

// SuccessionWeb is the platform admin's pages (/platform/successions) and API
// (/api/v1/platform/successions) for NHS reorganisations.
type SuccessionWeb struct {
	Svc *Successions
	Web *web.Server
}

// Mount registers the pages and the API, behind access.PermSuccessions.
func (h *SuccessionWeb) Mount(app, api fiber.Router, mw *Middleware) {
	pages := app.Group("/platform/successions", mw.Require(access.PermSuccessions))
	pages.Get("/", h.list)
	pages.Get("/new", h.newForm)
	pages.Post("/", h.create)
	pages.Get("/:id", h.show)
	pages.Post("/:id/cancel", h.cancel)

	j := api.Group("/platform/successions", mw.Require(access.PermSuccessions))
	j.Get("/", h.apiList)
	j.Post("/", h.apiCreate)
	j.Get("/:id", h.apiGet)
	j.Post("/:id/cancel", h.apiCancel)
}

// SuccessionsPage lists the successions.
type SuccessionsPage struct {
	Successions []SuccessionView
}

// SuccessionFormPage records a succession.
type SuccessionFormPage struct {
	Predecessors []OrgChoice
	Successors   []OrgChoice
	Date         web.DateField
	Note         string
	Users        []OrgChoice // the two choices, as radios
}

// OrgChoice is one option of the form.
type OrgChoice struct {
	Value, Label      string
	Checked, Selected bool
}

// SuccessionPage shows one succession.
type SuccessionPage struct {
	S SuccessionView
}

func (h *SuccessionWeb) list(c *fiber.Ctx) error {
	list, err := h.Svc.List(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	return h.Web.Render(c, "tenants/successions", "Successions", SuccessionsPage{Successions: list}, nil)
}

func (h *SuccessionWeb) form(c *fiber.Ctx, in SuccessionInput) (SuccessionFormPage, error) {
	orgs, err := h.Svc.SuccessionChoices(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return SuccessionFormPage{}, err
	}
	pg := SuccessionFormPage{Note: in.Note,
		Date: web.DateField{Name: "effective_date", Legend: "Takes effect from", DateInput: web.NewForm(c).DateInputOf("effective_date"),
			Hint: "From midnight in England at the start of this day. A date to come can be cancelled until then."}, Successors: []OrgChoice{{Label: "Choose the successor"}}}
	for _, o := range orgs {
		label := o.Name + " (" + string(o.Kind) + ")"
		checked := false
		for _, id := range in.Predecessors {
			checked = checked || id == o.ID
		}
		pg.Predecessors = append(pg.Predecessors, OrgChoice{Value: o.ID, Label: label, Checked: checked})
		pg.Successors = append(pg.Successors, OrgChoice{Value: o.ID, Label: label, Selected: o.ID == in.Successor})
	}
	users := in.Users
	if users == "" {
		users = string(UsersMove)
	}
	pg.Users = []OrgChoice{
		{Value: string(UsersMove), Label: "Move their people to the successor, with their roles", Checked: users == string(UsersMove)},
		{Value: string(UsersInvite), Label: "Invite their people to the successor (they move when they accept)", Checked: users == string(UsersInvite)},
	}
	return pg, nil
}

func (h *SuccessionWeb) newForm(c *fiber.Ctx) error {
	pg, err := h.form(c, SuccessionInput{})
	if err != nil {
		return err
	}
	return h.Web.Render(c, "tenants/succession_new", "Record a succession", pg, nil)
}

// effectiveFrom is how the form asks for the day a succession takes effect; the API takes it
// as "2006-01-02".
var effectiveFrom = ukclock.DateQuestion{Label: "date it takes effect", Required: true}

func (h *SuccessionWeb) create(c *fiber.Ctx) error {
	var in SuccessionInput
	err := c.BodyParser(&in)
	if err != nil {
		err = apperr.Invalidf("The form could not be read: %s", "check what you entered")
	} else {
		f := web.NewForm(c)
		in.EffectiveDate = ukclock.ISODay(f.Date("effective_date", effectiveFrom))
		if fields := f.Check(&in); fields != nil {
			err = apperr.InvalidFields(fields)
		}
	}
	var sc Succession
	if err == nil {
		sc, err = h.Svc.Schedule(c.UserContext(), web.ActorFrom(c), in)
	}
	if err != nil {
		pg, ferr := h.form(c, in)
		if ferr != nil {
			return ferr
		}
		return (&Pages{Web: h.Web}).formError(c, err, "tenants/succession_new", "Record a succession", pg)
	}
	return c.Redirect("/platform/successions/"+sc.ID, fiber.StatusSeeOther)
}

func (h *SuccessionWeb) show(c *fiber.Ctx) error {
	v, err := h.Svc.Get(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	return h.Web.Render(c, "tenants/succession", "Succession", SuccessionPage{S: v}, nil)
}

func (h *SuccessionWeb) cancel(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	_, err := h.Svc.Cancel(c.UserContext(), a, c.Params("id"))
	v, gerr := h.Svc.Get(c.UserContext(), a, c.Params("id"))
	if gerr != nil {
		return gerr
	}
	if err != nil {
		return (&Pages{Web: h.Web}).formError(c, err, "tenants/succession", "Succession", SuccessionPage{S: v})
	}
	return h.Web.RenderFlash(c, "tenants/succession", "Succession", "The succession is cancelled.", SuccessionPage{S: v})
}

// SuccessionJSON is a succession in the API.
type SuccessionJSON struct {
	ID           string     `json:"id"`
	Predecessors []OrgJSON  `json:"predecessors"`
	Successor    OrgJSON    `json:"successor"`
	EffectiveAt  time.Time  `json:"effective_at"`
	Users        string     `json:"users"`
	State        string     `json:"state"`
	Note         string     `json:"note"`
	AppliedAt    *time.Time `json:"applied_at"`
	CancelledAt  *time.Time `json:"cancelled_at"`
}

func successionJSON(v SuccessionView) SuccessionJSON {
	out := SuccessionJSON{ID: v.ID, Successor: OrgJSON{ID: v.SuccessorOrgID, Name: v.SuccessorName}, EffectiveAt: v.EffectiveAt,
		Users: string(v.Users), State: string(v.State), Note: v.Note, AppliedAt: v.AppliedAt, CancelledAt: v.CancelledAt,
		Predecessors: []OrgJSON{}}
	for i, id := range v.Predecessors {
		out.Predecessors = append(out.Predecessors, OrgJSON{ID: id, Name: v.PredecessorNames[i]})
	}
	return out
}

func (h *SuccessionWeb) apiList(c *fiber.Ctx) error {
	list, err := h.Svc.List(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	out := struct {
		Successions []SuccessionJSON `json:"successions"`
	}{Successions: []SuccessionJSON{}}
	for _, v := range list {
		out.Successions = append(out.Successions, successionJSON(v))
	}
	return c.JSON(out)
}

func (h *SuccessionWeb) apiCreate(c *fiber.Ctx) error {
	var in SuccessionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a := web.ActorFrom(c)
	sc, err := h.Svc.Schedule(c.UserContext(), a, in)
	if err != nil {
		return err
	}
	v, err := h.Svc.Get(c.UserContext(), a, sc.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(successionJSON(v))
}

func (h *SuccessionWeb) apiGet(c *fiber.Ctx) error {
	v, err := h.Svc.Get(c.UserContext(), web.ActorFrom(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(successionJSON(v))
}

func (h *SuccessionWeb) apiCancel(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	if _, err := h.Svc.Cancel(c.UserContext(), a, c.Params("id")); err != nil {
		return err
	}
	v, err := h.Svc.Get(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(successionJSON(v))
}

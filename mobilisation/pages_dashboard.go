package mobilisation

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// The programme dashboard: for a commissioner every plan its organisation takes part in, for a
// provider the plans of its contracts; RAG by phase in words, the coming go-lives, and what is
// overdue and whose it is.

// DashboardPage is what /mobilisation shows.
type DashboardPage struct {
	Today       string
	Provider    bool
	Plans       []PlanCardRow
	NextGoLives []GoLiveRow
	Overdue     []OverdueRow
	Red, Amber  int // plans
}

// PlanCardRow is a plan on the dashboard.
type PlanCardRow struct {
	Href, Title, Procurement string
	Lead, Provider           string
	RAG                      Tag
	Phases                   []PhaseCardRow
	Next                     string // "NHS 111 on 1 April 2019"
	Overdue                  int
	Progress                 string // "12 of 30 milestones done"
}

// PhaseCardRow is a phase's status on the dashboard.
type PhaseCardRow struct {
	Href, Name, GoLive, Forecast string
	Slip                         string
	RAG                          Tag
	Reason                       string
	Live                         bool
	LiveAt                       *time.Time
}

// GoLiveRow is a coming go-live.
type GoLiveRow struct {
	PlanHref, PlanTitle, Provider string
	PhaseHref, Phase              string
	GoLive, Forecast, Slip        string
	RAG                           Tag
}

// OverdueRow is an overdue milestone and whose it is.
type OverdueRow struct {
	Href, Title, PlanHref, Plan, Phase, Workstream string
	Due, Overdue                                   string
	Owner, OwnerOrg, Side                          string
	Critical                                       bool
}

func phaseCardRow(planID string, ph PhaseCard) PhaseCardRow {
	r := PhaseCardRow{Href: phaseHref(planID, ph.ID), Name: ph.Name, GoLive: dayText(ph.GoLiveDay), RAG: ragTag(ph.RAG),
		Reason: ph.Reason, Live: ph.State == Live, LiveAt: ph.LiveAt}
	if ph.ForecastDay != "" && ph.ForecastDay != ph.GoLiveDay && !r.Live {
		r.Forecast = dayText(ph.ForecastDay)
	}
	if ph.SlipDays > 0 && !r.Live {
		r.Slip = daysText(ph.SlipDays) + " late"
	}
	return r
}

func (h *Pages) dashboard(c *fiber.Ctx) error {
	a := web.ActorFrom(c)
	d, err := h.Svc.Dashboard(c.UserContext(), a)
	if err != nil {
		return err
	}
	page := DashboardPage{Today: dayText(d.Today), Provider: a != nil && a.OrgKind == access.Provider}
	titles := map[string]string{}
	for _, pc := range d.Plans {
		title := fmt.Sprintf("%s: lot %d, %s", pc.ContractReference, pc.LotNumber, pc.LotTitle)
		titles[pc.PlanID] = title
		row := PlanCardRow{Href: planHref(pc.PlanID), Title: title, Procurement: pc.ProcurementTitle, Lead: pc.LeadOrgName,
			Provider: pc.ProviderName, RAG: ragTag(pc.RAG), Overdue: len(pc.Overdue),
			Progress: fmt.Sprintf("%d of %d milestones done", pc.Done, pc.Milestones)}
		for _, ph := range pc.Phases {
			row.Phases = append(row.Phases, phaseCardRow(pc.PlanID, ph))
		}
		if n := pc.NextGoLive; n != nil {
			row.Next = n.Name + " on " + dayText(n.GoLiveDay)
		}
		switch pc.RAG {
		case RAGRed:
			page.Red++
		case RAGAmber:
			page.Amber++
		}
		page.Plans = append(page.Plans, row)
	}
	for _, g := range d.NextGoLives {
		pr := phaseCardRow(g.PlanID, g.Phase)
		page.NextGoLives = append(page.NextGoLives, GoLiveRow{PlanHref: planHref(g.PlanID), PlanTitle: titles[g.PlanID],
			Provider: g.ProviderName, PhaseHref: pr.Href, Phase: pr.Name, GoLive: pr.GoLive, Forecast: pr.Forecast, Slip: pr.Slip, RAG: pr.RAG})
	}
	for _, o := range d.Overdue {
		owner := o.OwnerName
		if owner == "" {
			owner = "Nobody yet"
		}
		page.Overdue = append(page.Overdue, OverdueRow{Href: milestoneHref(o.PlanID, o.MilestoneID), Title: o.Title,
			PlanHref: planHref(o.PlanID), Plan: titles[o.PlanID], Phase: o.PhaseName, Workstream: o.Workstream, Due: dayText(o.DueOn),
			Overdue: daysText(o.DaysOverdue), Owner: owner, OwnerOrg: o.OwnerOrgName, Side: ownerSideLabel(o.OwnerSide), Critical: o.Critical})
	}
	return h.render(c, "mobilisation/dashboard", "Mobilisation", page, nil)
}

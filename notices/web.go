package notices

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/feeds"

	"golive/apperr"
	"golive/lots"
	"golive/ukclock"
	"golive/web"
)

// Web serves the public notices: pages, the Atom feed and the OCDS API, to anyone.
type Web struct {
	Svc    *Service
	Server *web.Server
}

// Mount registers the public routes. They need no sign-in and read only published releases.
func (h *Web) Mount(app fiber.Router) {
	app.Get("/notices", h.list)
	app.Get("/notices/feed.atom", h.feed)
	app.Get("/notices/:id", h.show)
	app.Get("/api/v1/ocds/releases", h.releases)
	app.Get("/api/v1/ocds/records/:ocid", h.record)
}

// ListPage is /notices.
type ListPage struct {
	Query              string
	Notices            []Notice
	Total              int64
	Page, Pages        int
	PrevHref, NextHref string
}

// pageNumber reads ?page=, refusing what is not a page rather than guessing.
func pageNumber(c *fiber.Ctx) (int, error) {
	v := c.Query("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, apperr.InvalidFields(map[string]string{"page": "Enter a page number from 1"})
	}
	return n, nil
}

func (h *Web) list(c *fiber.Ctx) error {
	page, err := pageNumber(c)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 200 || strings.ContainsRune(q, 0) {
		return apperr.InvalidFields(map[string]string{"q": "Enter up to 200 characters to search for"})
	}
	ns, total, err := h.Svc.List(c.UserContext(), q, page)
	if err != nil {
		return err
	}
	p := ListPage{Query: q, Notices: ns, Total: total, Page: page, Pages: int((total + PageSize - 1) / PageSize)}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if q != "" {
			v.Set("q", q)
		}
		return "/notices?" + v.Encode()
	}
	if page > 1 {
		p.PrevHref = link(page - 1)
	}
	if page < p.Pages {
		p.NextHref = link(page + 1)
	}
	return h.Server.Render(c, "notices/list", "Public notices", p, nil)
}

// ShowPage is one notice, read from its release.
type ShowPage struct {
	Notice      Notice
	Kind        string
	Regime      string
	Release     Release
	Buyers      []Party
	Lead        string
	Supplier    string
	Bids        []Statistic
	LotTitles   map[string]string
	RecordHref  string
	ProcessHref string
}

func (h *Web) show(c *fiber.Ctx) error {
	id := c.Params("id")
	if len(id) > 200 {
		return apperr.NotFoundf("Notice not found")
	}
	n, err := h.Svc.Get(c.UserContext(), id)
	if err != nil {
		return err
	}
	var r Release
	if err := json.Unmarshal([]byte(n.Body), &r); err != nil {
		return fmt.Errorf("read release %s: %w", n.ID, err)
	}
	p := ShowPage{Notice: n, Kind: Title(n.Kind, n.Regime), Regime: lots.RegimeNames[n.Regime], Release: r,
		RecordHref: "/api/v1/ocds/records/" + url.PathEscape(n.OCID), ProcessHref: "/notices?q=" + url.QueryEscape(strings.ToLower(n.ProcurementID)),
		LotTitles: map[string]string{}}
	for _, pt := range r.Parties {
		for _, role := range pt.Roles {
			switch role {
			case "buyer":
				p.Buyers = append(p.Buyers, pt)
			case "procuringEntity":
				p.Lead = pt.Name
			case "supplier":
				p.Supplier = pt.Name
			}
		}
	}
	if r.Bids != nil {
		p.Bids = r.Bids.Statistics
	}
	if r.Tender != nil {
		for _, l := range r.Tender.Lots {
			p.LotTitles[l.ID] = l.Title
		}
	}
	return h.Server.Render(c, "notices/show", n.Title, p, nil)
}

// feed is the Atom feed of the newest notices.
func (h *Web) feed(c *fiber.Ctx) error {
	ns, _, err := h.Svc.List(c.UserContext(), "", 1)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(h.Svc.BaseURL, "/")
	f := &feeds.Feed{Title: "golive public notices", Link: &feeds.Link{Href: base + "/notices"},
		Description: "Tender, award, contract and go-live notices of NHS procurements run on golive", Id: base + "/notices/feed.atom"}
	for _, n := range ns {
		if f.Updated.IsZero() || n.PublishedAt.After(f.Updated) {
			f.Updated = n.PublishedAt
		}
		f.Items = append(f.Items, &feeds.Item{Id: base + "/notices/" + n.ID, Title: n.Title, Link: &feeds.Link{Href: base + "/notices/" + n.ID},
			Description: fmt.Sprintf("%s published by %s on %s", Title(n.Kind, n.Regime), n.Buyer, n.PublishedAt.In(ukclock.London).Format("2 January 2006")),
			Author:      &feeds.Author{Name: n.Buyer}, Created: n.PublishedAt, Updated: n.PublishedAt})
	}
	if f.Updated.IsZero() {
		f.Updated = time.Unix(0, 0).UTC()
	}
	atom, err := f.ToAtom()
	if err != nil {
		return fmt.Errorf("write the notices feed: %w", err)
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.SendString(atom)
}

func (h *Web) releases(c *fiber.Ctx) error {
	page, err := pageNumber(c)
	if err != nil {
		return err
	}
	b, more, err := h.Svc.ReleasePackage(c.UserContext(), page)
	if err != nil {
		return err
	}
	if b == nil {
		return apperr.NotFoundf("There are no releases on page %d", page)
	}
	if more {
		c.Set(fiber.HeaderLink, fmt.Sprintf(`<%s/api/v1/ocds/releases?page=%d>; rel="next"`, h.Svc.BaseURL, page+1))
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

func (h *Web) record(c *fiber.Ctx) error {
	ocid, err := url.PathUnescape(c.Params("ocid"))
	if err != nil || len(ocid) > 200 {
		return apperr.NotFoundf("No notices have been published for this contracting process")
	}
	b, err := h.Svc.RecordPackage(c.UserContext(), ocid)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(b)
}

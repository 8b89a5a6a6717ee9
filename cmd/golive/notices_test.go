package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golive/evaluation/award"
	"golive/lots"
	"golive/notices"
	"golive/tenants"
)

// demoServer runs `golive demo` as an operator would and serves it.
func demoServer(t *testing.T) (*App, string) {
	t.Helper()
	_, env, getenv := operatorEnv(t)
	runDemo(t, getenv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	env["GOLIVE_BASE_URL"] = "http://" + ln.Addr().String()
	cfg, err := loadConfig(getenv)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	go a.Fiber.Listener(ln)
	t.Cleanup(func() {
		_ = a.Fiber.ShutdownWithTimeout(5 * time.Second)
		a.Close()
	})
	return a, cfg.BaseURL
}

// anonymousGet fetches a path with no cookie and no token, as the public would.
func anonymousGet(t *testing.T, base, path string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b), res.Header
}

// crawled is what an anonymous crawl read: every body by path, and the releases and records.
type crawled struct {
	bodies   map[string]string
	releases []json.RawMessage
	packages [][]byte
	records  map[string][]byte // by ocid
}

var (
	noticeLink = regexp.MustCompile(`href="/notices/([^"/?]+)"`)
	nextLink   = regexp.MustCompile(`href="(/notices\?page=\d+[^"]*)"[^>]*>\s*<span class="nhsuk-pagination__title">Next`)
)

// crawl reads /notices page by page, every notice page, the feed, every release package page and
// every record, as an anonymous client; each must answer 200.
func crawl(t *testing.T, base string) crawled {
	t.Helper()
	c := crawled{bodies: map[string]string{}, records: map[string][]byte{}}
	must := func(path string) (string, http.Header) {
		status, body, h := anonymousGet(t, base, path)
		if status != http.StatusOK {
			t.Fatalf("anonymous GET %s: %d\n%s", path, status, body)
		}
		c.bodies[path] = body
		return body, h
	}
	for page := "/notices"; page != ""; {
		body, _ := must(page)
		for _, m := range noticeLink.FindAllStringSubmatch(body, -1) {
			if m[1] != "feed.atom" {
				must("/notices/" + m[1])
			}
		}
		page = ""
		if m := nextLink.FindStringSubmatch(body); m != nil {
			page = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	must("/notices/feed.atom")
	ocids := map[string]bool{}
	for p := 1; ; p++ {
		path := fmt.Sprintf("/api/v1/ocds/releases?page=%d", p)
		status, body, _ := anonymousGet(t, base, path)
		if status == http.StatusNotFound && p > 1 {
			break
		}
		if status != http.StatusOK {
			t.Fatalf("anonymous GET %s: %d\n%s", path, status, body)
		}
		c.bodies[path] = body
		c.packages = append(c.packages, []byte(body))
		var pkg struct {
			Releases []json.RawMessage `json:"releases"`
		}
		if err := json.Unmarshal([]byte(body), &pkg); err != nil {
			t.Fatal(err)
		}
		for _, r := range pkg.Releases {
			var id struct {
				OCID string `json:"ocid"`
			}
			_ = json.Unmarshal(r, &id)
			ocids[id.OCID] = true
		}
		c.releases = append(c.releases, pkg.Releases...)
	}
	for ocid := range ocids {
		body, _ := must("/api/v1/ocds/records/" + ocid)
		c.records[ocid] = []byte(body)
	}
	return c
}

// validateAll checks every release, release package and record package against OCDS 1.1.5 with
// the lots and bid extensions.
func validateAll(t *testing.T, c crawled) {
	t.Helper()
	v, err := notices.SchemaValidator()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range c.releases {
		if err := v.Release(r); err != nil {
			t.Errorf("release %d: %v\n%s", i, err, r)
		}
	}
	for i, p := range c.packages {
		if err := v.Package(p); err != nil {
			t.Errorf("release package page %d: %v", i+1, err)
		}
	}
	for ocid, r := range c.records {
		if err := v.Record(r); err != nil {
			t.Errorf("record %s: %v", ocid, err)
		}
	}
}

// lotBids are, for one lot, who bid (with their partners) and who won.
type lotBids struct {
	procurement lots.Procurement
	lot         lots.Lot
	bidders     []string // organisation names, partners included
	winner      string
	prices      []int64 // each bid's price per year, pence (the demo's: year y is p + (y-1)p/50)
}

// TestAnonymousCrawlOfTheNoticesShowsNothingConfidential loads the demo (Kent and Medway's two
// lots and Luton and Bedfordshire's, each bid for by named providers, awarded, one live), then
// crawls /notices, every notice page, the Atom feed and the OCDS API without signing in: every
// release, package and record is valid OCDS 1.1.5 with the lots and bid extensions; no bidder
// that won nothing is ever named, nor any losing bid's price, nor any score; the tender notices
// name no bidder at all; a release for a lot names only that lot's winner; and Luton and
// Bedfordshire's value, withheld, is nowhere.
func TestAnonymousCrawlOfTheNoticesShowsNothingConfidential(t *testing.T) {
	a, base := demoServer(t)
	ctx := context.Background()
	c := crawl(t, base)
	validateAll(t, c)
	if len(c.releases) < 6 {
		t.Fatalf("the demo published %d releases, want its tender, contract and go-live notices", len(c.releases))
	}

	// What the crawl must not show, from the database: each lot's bidders and winner.
	reads, awards, people := lots.ReadsOn(a.DB.Gorm), award.NewStore(a.DB), tenants.NewDirectory(a.DB)
	perYear := map[string]int64{ // the demo's bids (demo/procurements.go), by lot reference and bidder
		"KM-IUCS-2018/1/Estuary Urgent Care CIC": 62_000_000_00, "KM-IUCS-2018/1/Weald Ambulance Service NHS Trust": 64_750_000_00,
		"KM-IUCS-2018/2/Estuary Urgent Care CIC": 38_500_000_00, "KM-IUCS-2018/2/Channel Coast Health Partnership": 36_900_000_00,
	}
	var all []lotBids
	winners := map[string]bool{}
	for ocid := range c.records {
		id := strings.TrimPrefix(ocid, a.Cfg.OCIDPrefix+"-")
		p, err := reads.ProcurementByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := reads.LotsOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			lb := lotBids{procurement: p, lot: l}
			bids, err := reads.Bids(ctx, p.ID, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			var orgIDs []string
			for _, b := range bids {
				orgIDs = append(orgIDs, b.BidderOrgID)
				if b.Partners != "" {
					lb.bidders = append(lb.bidders, strings.Split(b.Partners, ",")...)
				}
			}
			names, err := people.OrgNames(ctx, orgIDs)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bids {
				lb.bidders = append(lb.bidders, names[b.BidderOrgID])
			}
			if k, err := awards.Contract(ctx, l.ID); err != nil {
				t.Fatal(err)
			} else if k != nil {
				lb.winner = names[k.ProviderOrgID]
				winners[lb.winner] = true
			}
			for _, b := range bids {
				if names[b.BidderOrgID] != lb.winner {
					if pp := perYear[fmt.Sprintf("%s/%d/%s", p.Reference, l.Number, names[b.BidderOrgID])]; pp > 0 {
						lb.prices = append(lb.prices, pp)
					}
				}
			}
			if lb.winner != "" {
				all = append(all, lb)
			}
		}
	}
	if len(all) < 3 {
		t.Fatalf("found %d lots behind the notices, want the demo's three", len(all))
	}

	// Nobody who won nothing is named, anywhere; no losing price; no score.
	var never []string
	for _, lb := range all {
		if len(lb.bidders) < 2 || lb.winner == "" {
			t.Fatalf("%s lot %d: bidders %v, winner %q: the demo should have awarded it among several", lb.procurement.Reference, lb.lot.Number, lb.bidders, lb.winner)
		}
		for _, b := range lb.bidders {
			if !winners[b] && !slices.Contains(never, b) {
				never = append(never, strings.TrimSpace(b))
			}
		}
	}
	if len(never) == 0 {
		t.Fatal("every bidder won something: the test would prove nothing")
	}
	for path, body := range c.bodies {
		for _, name := range never {
			if strings.Contains(body, name) || strings.Contains(body, strings.ReplaceAll(name, "&", "&amp;")) {
				t.Errorf("%s names %q, who won nothing", path, name)
			}
		}
		for _, lb := range all {
			for _, pp := range lb.prices {
				for y := int64(1); y <= 7; y++ {
					pounds := (pp + (y-1)*pp/50) / 100
					for _, s := range []string{fmt.Sprint(pounds), commas(pounds)} {
						if strings.Contains(body, s) {
							t.Errorf("%s shows %s, a losing bid's price for year %d", path, s, y)
						}
					}
				}
			}
		}
		if strings.Contains(strings.ToLower(body), "score") {
			t.Errorf("%s mentions a score", path)
		}
	}

	// Release by release: tender notices name no bidder; a lot's releases only its winner;
	// Luton and Bedfordshire's withheld value nowhere.
	for _, raw := range c.releases {
		var r notices.Release
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, pt := range r.Parties {
			if slices.Contains(pt.Roles, "tenderer") || slices.Contains(pt.Roles, "supplier") {
				named = append(named, pt.Name)
			}
		}
		if slices.Contains(r.Tag, "tender") && (len(named) > 0 || r.Bids != nil || len(r.Awards) > 0) {
			t.Errorf("tender release %s names bidders %v or bids before award", r.ID, named)
		}
		for _, lb := range all {
			if strings.TrimPrefix(r.OCID, a.Cfg.OCIDPrefix+"-") != lb.procurement.ID || !strings.Contains(string(raw), lb.lot.ID) || r.Tender == nil && len(r.Contracts) == 0 {
				continue
			}
			for _, n := range named {
				if n != lb.winner && len(r.Awards)+len(r.Contracts) > 0 && strings.Contains(string(raw), `"relatedLots":["`+lb.lot.ID) {
					t.Errorf("release %s of %s lot %d names %q, not its winner %q", r.ID, lb.procurement.Reference, lb.lot.Number, n, lb.winner)
				}
			}
			if !lb.procurement.PublishValue && strings.Contains(string(raw), `"amount"`) {
				t.Errorf("release %s of %s shows a value, which its lead withheld", r.ID, lb.procurement.Reference)
			}
		}
	}
	// The telephony platform of 2026, under the Procurement Act 2023, has its tender notice.
	if !strings.Contains(c.bodies["/notices"], "Tender notice: Integrated urgent care telephony platform") {
		t.Error("the list shows no tender notice of the telephony platform")
	}
	if !strings.Contains(string(c.records[notices.OCID(a.Cfg.OCIDPrefix, all[0].procurement.ID)]), `"compiledRelease"`) {
		t.Error("a record has no compiled release")
	}
}

// commas writes n as people read money: 62,000,000.
func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

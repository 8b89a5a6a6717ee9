package notices_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"golive/database/dbtest"
	"golive/lots"
	"golive/notices"
)

// fakeSource is a procurement's lifecycle as the hooks would find it, step by step.
type fakeSource struct {
	p        notices.Process
	award    *notices.Award
	contract *notices.Contract
	im       *notices.Implementation
}

func (f *fakeSource) Process(context.Context, string) (notices.Process, error) { return f.p, nil }
func (f *fakeSource) ProcurementOfLot(context.Context, string) (string, error) {
	return f.p.ProcurementID, nil
}
func (f *fakeSource) Award(context.Context, string) (*notices.Award, error) { return f.award, nil }
func (f *fakeSource) Contract(context.Context, string) (*notices.Contract, error) {
	return f.contract, nil
}
func (f *fakeSource) Implementation(context.Context, string) (*notices.Implementation, error) {
	return f.im, nil
}

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A procurement's notices through its whole life under each regime: every release and package
// valid OCDS 1.1.5 with the lots and bid extensions; the notices the regime publishes, by its
// names; a hook run twice publishes once; a changed fact publishes a correcting release and
// leaves the first as it was.
func TestEachRegimesLifecyclePublishesValidStableReleases(t *testing.T) {
	v, err := notices.SchemaValidator()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		regime lots.Regime
		titles []string
	}{
		{lots.PSR2024, []string{"Contract notice", "Notice of intention to award", "Confirmation of award notice", "Go-live update"}},
		{lots.PA2023, []string{"Tender notice", "Contract award notice", "Contract details notice", "Go-live update"}},
		{lots.PCR2015, []string{"Contract notice", "Contract award notice", "Go-live update"}},
	} {
		t.Run(string(c.regime), func(t *testing.T) {
			ctx := context.Background()
			db := dbtest.Open(t)
			now := day("2026-11-02T09:00:00Z")
			lead := notices.Org{ID: "o-lead", Name: "NHS Medway CCG", ODSCode: "09W"}
			swale := notices.Org{ID: "o-swale", Name: "NHS Swale CCG", ODSCode: "10D"}
			published := day("2026-02-02T09:00:00Z")
			src := &fakeSource{p: notices.Process{ProcurementID: "p1", Title: "Medway telephony", Reference: "MED-TEL", Regime: c.regime,
				Procedure: "Open procedure", Lead: lead, Buyers: []notices.Org{lead, swale}, PublishedAt: &published,
				ClarificationDeadline: day("2026-02-27T12:00:00Z"), SubmissionDeadline: day("2026-03-16T12:00:00Z"),
				ContractStart: day("2026-10-01T00:00:00Z"), TermYears: 3, EstimatedValuePence: 120_000_000, PublishValue: false,
				Lots: []notices.Lot{{ID: "l1", Number: 1, Title: "Telephony platform"}}}}
			svc := &notices.Service{Store: notices.NewStore(db), Source: src, Prefix: "ocds-test01", BaseURL: "http://golive.test", Now: func() time.Time { return now }}

			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(svc.TenderPublished(ctx, "p1"))
			must(svc.TenderPublished(ctx, "p1")) // a hook run twice
			winner := notices.Org{ID: "o-win", Name: "Callwell Ltd"}
			src.award = &notices.Award{LotID: "l1", Supplier: winner, Decided: day("2026-05-01T09:00:00Z"), Bids: 3}
			must(svc.StandstillStarted(ctx, "l1"))
			src.contract = &notices.Contract{Award: *src.award, Reference: "MED-TEL-1", Signed: day("2026-05-20T09:00:00Z"),
				Start: day("2026-10-01T00:00:00Z"), TermYears: 3, ValuePence: 110_000_000}
			must(svc.ContractAwarded(ctx, "l1"))
			live := day("2026-10-01T08:00:00Z")
			src.im = &notices.Implementation{Contract: *src.contract, Phases: []notices.GoLive{{ID: "ph1", Name: "Platform live", Due: live, LiveAt: &live}}}
			must(svc.PhaseLive(ctx, "l1"))

			list, total, err := svc.List(ctx, "", 1)
			must(err)
			if int(total) != len(c.titles) {
				t.Fatalf("%d notices, want %v", total, c.titles)
			}
			for i, want := range c.titles {
				if n := list[len(list)-1-i]; !strings.HasPrefix(n.Title, want+":") {
					t.Errorf("notice %d is %q, want a %s", i+1, n.Title, want)
				}
			}
			first := list[len(list)-1]
			for _, n := range list {
				must(v.Release([]byte(n.Body)))
				if strings.Contains(n.Body, `"amount"`) {
					t.Errorf("%s shows a value the lead withheld", n.Title)
				}
			}
			pkg, _, err := svc.ReleasePackage(ctx, 1)
			must(err)
			must(v.Package(pkg))

			// A correction: the lead now publishes the value. A new tender release; the first unchanged.
			src.p.PublishValue = true
			must(svc.TenderPublished(ctx, "p1"))
			again, err := svc.Get(ctx, first.ID)
			must(err)
			if again.Body != first.Body {
				t.Fatal("the first tender release was rewritten")
			}
			list, total, err = svc.List(ctx, "tender notice contract notice", 1)
			must(err)
			rec, err := svc.RecordPackage(ctx, notices.OCID("ocds-test01", "p1"))
			must(err)
			must(v.Record(rec))
			var rp struct {
				Records []struct {
					Releases        []json.RawMessage `json:"releases"`
					CompiledRelease map[string]any    `json:"compiledRelease"`
				} `json:"records"`
			}
			must(json.Unmarshal(rec, &rp))
			if n := len(rp.Records[0].Releases); n != len(c.titles)+1 {
				t.Fatalf("the record has %d releases, want %d", n, len(c.titles)+1)
			}
			tender := rp.Records[0].CompiledRelease["tender"].(map[string]any)
			if fmt.Sprint(tender["value"]) != "map[amount:1.2e+06 currency:GBP]" {
				t.Errorf("the compiled release's tender value is %v, want the corrected £1,200,000", tender["value"])
			}
			if strings.Count(string(rec), "Callwell Ltd") == 0 {
				t.Error("the winner is not named after award")
			}
		})
	}
}

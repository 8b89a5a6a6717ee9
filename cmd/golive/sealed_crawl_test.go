package main

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golive/audit"
	"golive/database"
	"golive/lots"
	"golive/tenants/access"
)

// sealedBidder is one provider bidding on the crawl's procurement, and what must not be seen of it.
type sealedBidder struct {
	email, admin     string
	name, org, orgID string
	user, userID     string
	attachments      []string // names
	hashes           []string // SHA-256 of each attachment, and of each submission's receipt
	submissionIDs    []string
}

func (b sealedBidder) needles() []string {
	out := []string{b.email, b.org, b.orgID, b.user, b.userID}
	out = append(out, b.attachments...)
	out = append(out, b.hashes...)
	return append(out, b.submissionIDs...)
}

// TestSealedMeansSealedEverywhere: before the bids are opened, two providers register, ask,
// save, submit, resubmit and attach files with distinctive names. Every audit and admin view (the
// audit log page and API with their filters, the outbox and its messages, the job monitor, the
// metrics, the inboxes and dashboards) is crawled as each commissioner role of the lead and a
// participant, as Healthwatch and as the platform admin: none shows a bidder's organisation, its
// id, its people, their emails, or an attachment's name or hash. The bidder's own organisation
// reads its own events, and no one else's. Once two people have opened the bids, the lead's
// organisation reads the submissions in its audit log and the operator sees the receipts.
func TestSealedMeansSealedEverywhere(t *testing.T) {
	s := startServer(t, nil)
	ctx := context.Background()
	as := func(email string) (*access.Actor, context.Context) {
		a, err := s.App.Tenants.ActorByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return a, database.WithTenant(ctx, a.OrgID)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	orgs := map[string]string{}
	var rows []struct{ ID, Name string }
	s.App.DB.Gorm.Raw("SELECT id, name FROM organisations").Scan(&rows)
	for _, r := range rows {
		orgs[r.Name] = r.ID
	}

	// The procurement runs on a clock of its own, so it can be taken past its deadline later.
	clock := s.App.Cfg.Now().AddDate(-1, 0, 0)
	svc := *s.App.Lots
	svc.Now = func() time.Time { return clock }
	parts := []string{orgs["NHS Medway CCG"], orgs["NHS Swale CCG"]}
	lead, lctx := as("lead@medway-ccg.test")
	p, err := svc.CreateProcurement(lctx, lead, lots.ProcurementInput{Title: "Sealed crawl", Reference: "SEAL-1", Regime: lots.PSR2024,
		Procedure: "Competitive process", TermYears: 2, EstimatedValuePence: 1_000_000_00, Participants: parts,
		ClarificationDeadline: clock.AddDate(0, 0, 20), SubmissionDeadline: clock.AddDate(0, 0, 30), EvaluationStart: clock.AddDate(0, 0, 31),
		AwardDate: clock.AddDate(0, 0, 60), ContractStart: clock.AddDate(0, 0, 200)})
	check(err)
	l, err := svc.AddLot(lctx, lead, p.ID, lots.LotInput{Number: 1, Title: "UTC", ServiceTypes: []string{"utc"}, Participants: parts})
	check(err)
	check(svc.ApplyTemplate(lctx, lead, l.ID, "psr"))
	check(svc.SubmitForApproval(lctx, lead, p.ID))
	for _, email := range []string{"approver@medway-ccg.test", "approver@swale-ccg.test"} {
		a, actx := as(email)
		check(svc.Decide(actx, a, p.ID, lots.DecisionInput{Decision: "approve", MeetingDate: clock.Add(-time.Hour), MinuteRef: "GB/M", Part2: true}))
	}
	check(svc.Publish(lctx, lead, p.ID, lots.PublishInput{ConfirmShortTenderPeriod: true}))
	qs, err := svc.Store.Questions(lctx, l.ID)
	check(err)
	draft := func(text string) lots.DraftInput {
		in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 500_000_00}, {Year: 2, Pence: 510_000_00}}}
		for _, q := range qs {
			if q.Kind != lots.Price {
				in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: text})
			}
		}
		return in
	}

	bidders := []*sealedBidder{
		{email: "bids@weald-ambulance.test", org: "Weald Ambulance Service NHS Trust", user: "Eli Weald", name: "weald"},
		{email: "bids@estuary-urgent-care.test", admin: "admin@estuary-urgent-care.test", org: "Estuary Urgent Care CIC", user: "Charlie Bidder", name: "estuary"},
	}
	for _, b := range bidders {
		a, bctx := as(b.email)
		b.orgID, b.userID = a.OrgID, a.UserID
		check(svc.RegisterInterest(bctx, a, p.ID))
		c, err := svc.AskClarification(bctx, a, p.ID, lots.ClarificationInput{Question: "Is TUPE expected to apply?"})
		check(err)
		check(svc.AnswerClarification(lctx, lead, p.ID, c.ID, lots.AnswerInput{Answer: "Yes."}))
		for _, kind := range []string{"cqc-registration", "dspt-assessment"} {
			name := fmt.Sprintf("zq-%s-%s.txt", b.name, kind)
			content := []byte("The " + kind + " of " + b.org + ".\n")
			att, err := svc.AddAttachment(bctx, a, l.ID, name, content)
			check(err)
			sum := sha256.Sum256(content)
			b.attachments, b.hashes = append(b.attachments, name), append(b.hashes, hex.EncodeToString(sum[:]), att.SHA256)
		}
		for _, text := range []string{"Our first answer.", "Our better answer."} { // submitted, then resubmitted
			sub, err := svc.SaveDraft(bctx, a, l.ID, draft(text))
			check(err)
			clock = clock.Add(time.Minute)
			r, err := svc.Submit(bctx, a, l.ID)
			check(err)
			b.submissionIDs, b.hashes = append(b.submissionIDs, sub.ID), append(b.hashes, r.SHA256)
		}
		// An attachment added to the resubmitted version, then removed.
		att, err := svc.AddAttachment(bctx, a, l.ID, "zq-"+b.name+"-withdrawn-letter.txt", []byte("A letter.\n"))
		check(err)
		check(svc.RemoveAttachment(bctx, a, l.ID, att.ID))
		b.attachments = append(b.attachments, att.Name)
	}
	// Every message was delivered (or failed), so the outbox shows what it will show.
	waitFor(t, "the mail to be sent", func() bool {
		var pending int64
		s.App.DB.Gorm.Raw("SELECT COUNT(*) FROM mail_messages WHERE status IN ('pending', 'sending')").Scan(&pending)
		return pending == 0
	})
	var receipts []string
	s.App.DB.Gorm.Raw("SELECT id FROM mail_messages WHERE subject LIKE 'Receipt:%' ORDER BY id").Scan(&receipts)
	if len(receipts) != 4 {
		t.Fatalf("%d receipts queued, want 4", len(receipts))
	}

	viewers := []string{"admin@medway-ccg.test", "lead@medway-ccg.test", "evaluator@medway-ccg.test", "finance@medway-ccg.test",
		"approver@medway-ccg.test", "observer@medway-ccg.test", "approver@swale-ccg.test",
		"reviewer@healthwatch-kent.test", "admin@healthwatch-kent.test", "admin@golive.test"}
	pages := []string{"/", "/inbox", "/admin/users", "/admin/audit", "/admin/audit?object_type=submission",
		"/admin/audit?object_type=procurement", "/admin/audit?object_type=clarification", "/admin/audit?object_id=" + p.ID,
		"/admin/audit?object_id=" + l.ID, "/admin/audit?page=2", "/platform/outbox", "/platform/outbox?page=2", "/platform/jobs", "/platform/jobs/monitor/", "/platform/organisations",
		"/metrics"}
	apis := []string{"/audit", "/audit?limit=500", "/audit?object_type=submission&limit=500", "/audit?object_type=procurement",
		"/audit?object_type=clarification", "/audit?object_id=" + p.ID, "/inbox"}
	for _, b := range bidders {
		apis = append(apis, "/audit?user="+url.QueryEscape(b.email), "/audit?object_id="+b.submissionIDs[0], "/audit?object_id="+b.submissionIDs[1])
	}
	href := regexp.MustCompile(`href="(/platform/outbox/[0-9a-f-]{36})"`)
	seen := map[string]int{} // how many 200s each view gave, so the crawl cannot pass by reading nothing
	crawl := func(t *testing.T, email string, leak func(where, body string)) {
		br := s.browser(t)
		br.signIn(email)
		var token string
		if email == "reviewer@healthwatch-kent.test" {
			token = heldToken(t, s, email) // Healthwatch has no API: a token held anyway reads nothing
		} else {
			token = s.apiToken(t, email)
		}
		for _, path := range pages {
			status, body := br.get(path)
			if status == http.StatusOK {
				seen[path]++
				leak(path, body)
			}
			if strings.HasPrefix(path, "/platform/outbox") {
				for _, m := range href.FindAllStringSubmatch(body, -1) {
					if st, msg := br.get(m[1]); st == http.StatusOK {
						seen["/platform/outbox/:id"]++
						leak(m[1], msg)
					}
				}
			}
		}
		// The record of the procurement is an archive: what is inside it counts, not its bytes.
		if st, zipped := br.get("/procurements/" + p.ID + "/record.zip"); st == http.StatusOK {
			seen["record.zip"]++
			leak("record.zip", unzipAll(t, zipped))
		}
		for _, id := range receipts {
			if st, msg := br.get("/platform/outbox/" + id); st == http.StatusOK {
				leak("/platform/outbox/"+id, msg)
			}
		}
		for _, path := range apis {
			resp, body := s.api(t, http.MethodGet, path, token, nil, nil)
			if resp.StatusCode == http.StatusOK {
				seen["/api/v1"+path]++
				leak("/api/v1"+path, string(body))
			}
		}
	}

	t.Run("before opening nobody but the bidder sees who bid", func(t *testing.T) {
		for _, email := range viewers {
			crawl(t, email, func(where, body string) {
				for _, b := range bidders {
					for _, n := range b.needles() {
						// The platform admin administers every organisation: that a provider
						// exists (its name and id in the directory, or a task to give it an
						// administrator) is theirs to know. That it bids is not.
						if email == "admin@golive.test" && (n == b.org || n == b.orgID) {
							continue
						}
						if strings.Contains(body, n) {
							t.Errorf("%s reads %q (of %s) on %s before the opening", email, n, b.org, where)
						}
					}
				}
			})
		}
		for _, v := range []string{"/admin/audit?object_type=submission", "/api/v1/audit?object_type=submission&limit=500", "/platform/outbox", "/metrics", "/inbox", "/", "record.zip"} {
			if seen[v] == 0 {
				t.Errorf("no viewer could read %s: the crawl proves nothing there", v)
			}
		}
	})

	estuary, weald := bidders[1], bidders[0]
	ownEvents := func(t *testing.T, email string) []map[string]any {
		var out struct{ Events []map[string]any }
		token := s.apiToken(t, email)
		if resp, body := s.api(t, http.MethodGet, "/audit?object_type=submission&limit=500", token, nil, &out); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s reads the audit log: %d %s", email, resp.StatusCode, body)
		}
		return out.Events
	}
	t.Run("the bidder's organisation reads its own events and no one else's", func(t *testing.T) {
		events := ownEvents(t, estuary.admin)
		// Per bidder: 3 attachments added, 1 removed, 2 saves, 2 submissions.
		if len(events) != 8 {
			t.Errorf("Estuary's admin reads %d submission events, want its own 8", len(events))
		}
		raw, _ := json.Marshal(events)
		for _, n := range estuary.attachments {
			if !strings.Contains(string(raw), n) {
				t.Errorf("Estuary's admin does not read its own attachment %s in its audit log", n)
			}
		}
		for _, n := range weald.needles() {
			if strings.Contains(string(raw), n) {
				t.Errorf("Estuary's admin reads %q of Weald's bid", n)
			}
		}
		br := s.browser(t)
		br.signIn(estuary.admin)
		if _, body := br.get("/admin/audit?object_type=submission"); !strings.Contains(body, estuary.attachments[0]) {
			t.Errorf("Estuary's audit log page does not show its attachment %s", estuary.attachments[0])
		}
	})

	// The deadline passes and two people open the bids.
	clock = p.SubmissionDeadline.Add(time.Hour)
	check(svc.StartOpening(lctx, lead, p.ID))
	admin, actx := as("admin@medway-ccg.test")
	check(svc.ConfirmOpening(actx, admin, p.ID))

	t.Run("after opening the lead's organisation reads the submissions", func(t *testing.T) {
		events := ownEvents(t, "admin@medway-ccg.test")
		raw, _ := json.Marshal(events)
		for _, b := range bidders {
			for _, n := range []string{b.orgID, b.userID, b.attachments[0], b.submissionIDs[1]} {
				if !strings.Contains(string(raw), n) {
					t.Errorf("after the opening Medway's admin does not read %q of %s's bid in the audit log", n, b.org)
				}
			}
		}
		if len(events) != 16 {
			t.Errorf("after the opening Medway's admin reads %d submission events, want 16", len(events))
		}
		br := s.browser(t)
		br.signIn("admin@medway-ccg.test")
		if _, body := br.get("/admin/audit?object_type=submission"); !strings.Contains(body, weald.user) {
			t.Errorf("after the opening the audit log page does not name %s", weald.user)
		}
		br = s.browser(t)
		br.signIn("admin@golive.test")
		for _, id := range receipts {
			if st, _ := br.get("/platform/outbox/" + id); st != http.StatusOK {
				t.Errorf("after the opening the operator gets %d for receipt %s", st, id)
			}
		}
		if _, body := br.get("/platform/outbox"); !strings.Contains(body, weald.email) {
			t.Errorf("after the opening the outbox does not list the receipt to %s", weald.email)
		}
		// The seal lies outside the hash: sealing and opening leave the chain intact.
		if rep, err := audit.Verify(ctx, s.App.DB.Gorm); err != nil || rep.Problem != nil {
			t.Errorf("audit verify after the opening: %v %v", err, rep.Problem)
		}
	})
}

// unzipAll is every file of a zip archive, one after the other, as text to search.
func unzipAll(t *testing.T, archive string) string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatalf("read record.zip: %v", err)
	}
	var all strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s in record.zip: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s in record.zip: %v", f.Name, err)
		}
		all.WriteString(f.Name + "\n")
		all.Write(b)
	}
	return all.String()
}

package lots_test

import (
	"bytes"
	"testing"
	"time"

	"golive/lots/lotstest"

	"golive/apperr"
	"golive/lots"
)

func TestAttachmentsAreSealedCoveredByTheReceiptAndOpenedOnlyWithTheAnswers(t *testing.T) {
	f := newFixture(t)
	p, l, qs := f.published()
	a, ctx := f.as("bids@estuary-urgent-care.test")
	lotstest.OK(t, f.svc.RegisterInterest(ctx, a, p.ID))
	in := lots.DraftInput{Prices: []lots.PriceYear{{Year: 1, Pence: 1}, {Year: 2, Pence: 2}}}
	for _, q := range qs {
		if q.Kind != lots.Price {
			in.Answers = append(in.Answers, lots.Answer{QuestionID: q.ID, Text: "answer"})
		}
	}
	lotstest.Must[lots.Submission](t)(f.svc.SaveDraft(ctx, a, l.ID, in))
	plain := []byte("Our CQC registration certificate: Estuary Urgent Care CIC, location ID 1-999\n")
	att := lotstest.Must[lots.Attachment](t)(f.svc.AddAttachment(ctx, a, l.ID, "cqc.txt", plain))
	_, err := f.svc.AddAttachment(ctx, a, l.ID, "page.html", []byte("<html><script>x</script></html>"))
	lotstest.WantKind(t, err, apperr.Invalid, "an HTML attachment")
	_, err = f.svc.AddAttachment(ctx, a, l.ID, "cqc.txt", []byte("another\n"))
	lotstest.WantKind(t, err, apperr.Invalid, "a second file of the same name")

	var sealed [][]byte
	f.db.Gorm.Raw("SELECT content_sealed FROM response_attachments").Scan(&sealed)
	if len(sealed) != 1 || bytes.Contains(sealed[0], []byte("location ID")) {
		t.Fatal("an attachment is stored in clear")
	}
	r := lotstest.Must[lots.Receipt](t)(f.svc.Submit(ctx, a, l.ID))
	without := lots.ReceiptHash(lots.Content{Answers: in.Answers, Prices: in.Prices})
	with := lots.ReceiptHash(lots.Content{Answers: in.Answers, Prices: in.Prices, Attachments: []lots.AttachmentRef{{Name: "cqc.txt", SHA256: att.SHA256}}})
	if r.SHA256 == without || r.SHA256 != with {
		t.Fatal("the receipt does not cover the attachment")
	}

	// The bidder reads its own; another bidder cannot.
	_, got, err := f.svc.OwnAttachment(ctx, p.ID, l.ID, att.ID)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("own attachment: %v", err)
	}
	other, octx := f.as("bids@weald-ambulance.test")
	_, _, err = f.svc.OwnAttachment(octx, p.ID, l.ID, att.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "another bidder reading the attachment")
	_ = other

	// A new draft after the submission carries the file; removing it there leaves the submitted version whole.
	v2 := lotstest.Must[lots.Submission](t)(f.svc.SaveDraft(ctx, a, l.ID, in))
	if v2.Version != 2 {
		t.Fatalf("version %d", v2.Version)
	}
	view := lotstest.Must[lots.OpportunityView](t)(f.svc.Opportunity(ctx, a, p.ID))
	if len(view.Lots[0].Attachments) != 1 || !view.Lots[0].Counting {
		t.Fatalf("the new draft: %+v", view.Lots[0].Attachments)
	}
	lotstest.OK(t, f.svc.RemoveAttachment(ctx, a, l.ID, view.Lots[0].Attachments[0].ID))
	var n int64
	f.db.Gorm.Raw("SELECT COUNT(*) FROM response_attachments").Scan(&n)
	if n != 1 {
		t.Fatalf("%d attachment rows, want the submitted version's one", n)
	}

	// Commissioners: not before the deadline and the opening; then yes, from the counted version.
	lead, lctx := f.as("lead@medway-ccg.test")
	_, _, err = f.svc.OpenedAttachment(lctx, p.ID, l.ID, att.ID)
	lotstest.WantKind(t, err, apperr.Forbidden, "the lead reading an attachment before opening")
	f.now = p.SubmissionDeadline.Add(time.Minute)
	_, err = f.svc.AddAttachment(ctx, a, l.ID, "late.txt", []byte("late\n"))
	lotstest.WantKind(t, err, apperr.Conflict, "attaching after the deadline")
	lotstest.OK(t, f.svc.StartOpening(lctx, lead, p.ID))
	admin, actx := f.as("admin@medway-ccg.test")
	lotstest.OK(t, f.svc.ConfirmOpening(actx, admin, p.ID))
	resps := lotstest.Must[[]lots.ResponseView](t)(f.svc.Responses(lctx, lead, p.ID, l.ID))
	if len(resps) != 1 || len(resps[0].Attachments) != 1 || resps[0].Attachments[0].ID != att.ID {
		t.Fatalf("opened: %+v", resps)
	}
	_, got, err = f.svc.OpenedAttachment(lctx, p.ID, l.ID, att.ID)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("opened attachment: %v", err)
	}
	beds, bctx := f.as("lead@bedfordshire-ccg.test")
	_ = beds
	_, _, err = f.svc.OpenedAttachment(bctx, p.ID, l.ID, att.ID)
	lotstest.WantKind(t, err, apperr.NotFound, "another tenant reading an opened attachment")
}

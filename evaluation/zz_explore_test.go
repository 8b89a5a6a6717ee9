package evaluation_test

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"golive/database"
	"golive/evaluation"
	"golive/evaluation/evaltest"
	"golive/lots"
	"golive/lots/lotstest"
)

func TestZZExploreQueries(t *testing.T) {
	if os.Getenv("ZZ_EXPLORE") == "" {
		t.Skip()
	}
	env := lotstest.New(t, time.Now)
	svc := &evaluation.Service{Store: evaluation.NewStore(env.DB), Lots: env.Lots, Now: time.Now}
	m, err := evaltest.Build(context.Background(), evaltest.Services{DB: env.DB, Tenants: env.Tenants, Lots: env.Lots, Eval: svc}, evaltest.Size{Bidders: 8, Questions: 60, Evaluators: 6}, "x")
	if err != nil {
		t.Fatal(err)
	}
	lead, ctx := env.As(t, m.LeadEmail)
	st := svc.Store
	l := m.Lot
	q := m.Questions[7].ID
	var size int64
	env.DB.Gorm.Raw("SELECT SUM(length(answers_sealed)+length(price_sealed)) FROM submissions WHERE lot_id = ?", l.ID).Scan(&size)
	t.Logf("sealed bytes for the lot: %d", size)
	_ = database.WithTenant
	for _, sql := range []string{
		"EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM consensus_scores WHERE lot_id = ? ORDER BY question_id, bidder_org_id",
		"EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM submissions WHERE procurement_id = '" + l.ProcurementID + "' AND lot_id = ? ORDER BY bidder_org_id, version",
		"EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM scores WHERE lot_id = ? AND question_id = '" + q + "' ORDER BY bidder_org_id, user_id",
	} {
		var lines []string
		env.DB.Gorm.Raw(sql, l.ID).Scan(&lines)
		for _, x := range lines {
			t.Log(x)
		}
	}
	var dead []struct{ Relname string; NLiveTup, NDeadTup int64 }
	env.DB.Gorm.Raw("SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname IN ('consensus_scores','scores','submissions','lot_evaluations','moderations')").Scan(&dead)
	t.Logf("%+v", dead)
	runs := map[string]func(){
		"Questions":      func() { st.Questions(ctx, l.ID) },
		"Bids":           func() { st.Bids(ctx, l.ProcurementID, l.ID) },
		"BidsNoBlobs":    func() { var s []lots.Submission; env.DB.Gorm.Omit("answers_sealed", "price_sealed").Where("lot_id = ?", l.ID).Find(&s) },
		"Members":        func() { st.Members(ctx, l.ID) },
		"Assignments":    func() { st.Assignments(ctx, l.ID) },
		"Declarations":   func() { st.Declarations(ctx, l.ID) },
		"Moderations":    func() { st.Moderations(ctx, l.ID) },
		"Consensus":      func() { st.Consensus(ctx, l.ID) },
		"QuestionScores": func() { st.QuestionScores(ctx, l.ID, q) },
		"LotEvaluation":  func() { st.LotEvaluation(ctx, l) },
		"Opening":        func() { st.Opening(ctx, l.ProcurementID) },
		"Procurement":    func() { st.Procurement(ctx, l.ProcurementID, false) },
		"Moderation":     func() { svc.Moderation(ctx, lead, l.ID, q) },
		"ConsRows": func() {
			rows, err := env.DB.Gorm.Table("consensus_scores").Select("lot_id, question_id, bidder_org_id, score, passed, rationale, recorded_by, recorded_at").Where("lot_id = ?", l.ID).Order("question_id, bidder_org_id").Rows()
			if err != nil { t.Fatal(err) }
			defer rows.Close()
			var out []evaluation.Consensus
			for rows.Next() {
				var c evaluation.Consensus
				if err := rows.Scan(&c.LotID, &c.QuestionID, &c.BidderOrgID, &c.Score, &c.Passed, &c.Rationale, &c.RecordedBy, &c.RecordedAt); err != nil { t.Fatal(err) }
				out = append(out, c)
			}
		},
		"ConsNoTime": func() { var out []evaluation.Consensus; env.DB.Gorm.Select("lot_id, question_id, bidder_org_id, score, passed, rationale, recorded_by").Where("lot_id = ?", l.ID).Find(&out) },
		"BidsRowsRaw": func() {
			rows, err := env.DB.Gorm.Table("submissions").Select("id, answers_sealed, price_sealed").Where("lot_id = ?", l.ID).Rows()
			if err != nil { t.Fatal(err) }
			defer rows.Close()
			for rows.Next() {
				var id string; var a, p []byte
				if err := rows.Scan(&id, &a, &p); err != nil { t.Fatal(err) }
			}
		},
		"Results":        func() { svc.Results(ctx, lead, l.ID) },
	}
	for _, name := range []string{"Questions", "Bids", "BidsNoBlobs", "Members", "Assignments", "Declarations", "Moderations", "Consensus", "QuestionScores", "LotEvaluation", "Opening", "Procurement", "Moderation", "Results", "ConsRows", "ConsNoTime", "BidsRowsRaw"} {
		f := runs[name]
		for i := 0; i < 20; i++ {
			f()
		}
		var best time.Duration = time.Hour
		var cpu time.Duration
		for r := 0; r < 5; r++ {
			var u0, u1 syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &u0)
			t0 := time.Now()
			for i := 0; i < 40; i++ {
				f()
			}
			d := time.Since(t0) / 40
			syscall.Getrusage(syscall.RUSAGE_SELF, &u1)
			c := time.Duration((u1.Utime.Nano()+u1.Stime.Nano())-(u0.Utime.Nano()+u0.Stime.Nano())) / 40
			if d < best {
				best, cpu = d, c
			}
		}
		t.Logf("%-15s best wall %8.3f ms, Go cpu %8.3f ms", name, float64(best.Microseconds())/1000, float64(cpu.Microseconds())/1000)
	}
}

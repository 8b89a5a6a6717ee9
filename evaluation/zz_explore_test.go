package evaluation_test

import (
	"context"
	"log"
	"os"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"golive/evaluation"
	"golive/evaluation/evaltest"
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
	for i := 0; i < 30; i++ {
		svc.Moderation(ctx, lead, m.Lot.ID, m.Questions[i].ID)
		svc.Results(ctx, lead, m.Lot.ID)
	}
	env.DB.Gorm.Logger = logger.New(log.New(os.Stdout, "", 0), logger.Config{LogLevel: logger.Info})
	svc2 := &evaluation.Service{Store: evaluation.NewStore(env.DB), Lots: env.Lots, Now: time.Now}
	t0 := time.Now()
	svc2.Moderation(ctx, lead, m.Lot.ID, m.Questions[7].ID)
	t.Logf("moderation %s", time.Since(t0))
	t0 = time.Now()
	svc2.Results(ctx, lead, m.Lot.ID)
	t.Logf("results %s", time.Since(t0))
}

package evaluation

import (
	"context"
	"strings"
	"testing"

	"golive/database"
	"golive/database/dbtest"

	"gorm.io/gorm"
)

// The moderation read asks the database for one question's marks: it must find them through
// the index that leads with the lot and the question, not by reading all of a lot's marks.
// The plan is the database's own answer, so this holds on an empty table as on a full one.
func TestModerationMarksFindsAQuestionsMarksByTheirIndex(t *testing.T) {
	db := dbtest.Open(t)
	ctx := context.Background()
	var plan []string
	err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		query, explain := moderationMarksSQLite, "EXPLAIN QUERY PLAN "
		if db.Dialect == database.Postgres {
			query, explain = moderationMarksPostgres, "EXPLAIN "
			// An empty table is cheaper to read whole: ask which index the planner would take.
			if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
				return err
			}
		}
		rows, err := tx.Statement.ConnPool.QueryContext(ctx, explain+query.SQL(tx), "lot", "question", "lot", "question")
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			for i := range vals {
				vals[i] = new(any)
			}
			if err := rows.Scan(vals...); err != nil {
				return err
			}
			var line []string
			for _, v := range vals {
				if s, ok := (*v.(*any)).(string); ok {
					line = append(line, s)
				}
			}
			plan = append(plan, strings.Join(line, " "))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(plan, "\n")
	if !strings.Contains(text, "scores_by_question") {
		t.Fatalf("the moderation read's plan does not use scores_by_question:\n%s", text)
	}
}

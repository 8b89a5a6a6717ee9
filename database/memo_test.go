package database_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"golive/database"
	"golive/database/dbtest"
)

// memoProbe is a table of the test's own, so that no feature's table is queried from here.
type memoProbe struct {
	ID    string `gorm:"primaryKey"`
	Value string
}

func (memoProbe) TableName() string { return "memo_probes" }

// probeLoader loads memo_probes rows by id through Memoize on db, counting the loads that reach
// the database.
type probeLoader struct {
	loads int
}

func (p *probeLoader) get(t *testing.T, ctx context.Context, db *gorm.DB, id string) string {
	t.Helper()
	row, err := database.Memoize(ctx, db, "memo_probes|"+id, nil, func() (memoProbe, error) {
		p.loads++
		var r memoProbe
		err := db.WithContext(ctx).Where("id = ?", id).Take(&r).Error
		return r, err
	})
	if err != nil {
		t.Fatalf("load %s: %v", id, err)
	}
	return row.Value
}

func memoDB(t *testing.T) *database.DB {
	t.Helper()
	db := dbtest.Open(t)
	if err := db.Gorm.Exec("CREATE TABLE memo_probes (id TEXT PRIMARY KEY, value TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Create(&memoProbe{ID: "a", Value: "one"}).Error; err != nil {
		t.Fatal(err)
	}
	return db
}

func TestMemoLoadsARowOncePerRequest(t *testing.T) {
	db := memoDB(t)
	var p probeLoader
	ctx := database.WithMemo(context.Background())
	for range 3 {
		if v := p.get(t, ctx, db.Gorm, "a"); v != "one" {
			t.Fatalf("value %q, want one", v)
		}
	}
	if p.loads != 1 {
		t.Errorf("three loads in one request reached the database %d times, want 1", p.loads)
	}
	// another request has its own memo; a context without one is never memoised
	p.get(t, database.WithMemo(context.Background()), db.Gorm, "a")
	p.get(t, context.Background(), db.Gorm, "a")
	p.get(t, context.Background(), db.Gorm, "a")
	if p.loads != 4 {
		t.Errorf("loads %d, want 4: one per request with a memo, one per load without", p.loads)
	}
}

// Every kind of write made in the request empties its memo and turns it off, so that what was
// loaded before it is read again, with the write's result.
func TestMemoIsNeverStaleAfterAWriteInTheRequest(t *testing.T) {
	writes := map[string]func(ctx context.Context, db *gorm.DB) error{
		"GORM update": func(ctx context.Context, db *gorm.DB) error {
			return db.WithContext(ctx).Model(&memoProbe{}).Where("id = ?", "a").Update("value", "two").Error
		},
		"GORM save": func(ctx context.Context, db *gorm.DB) error {
			return db.WithContext(ctx).Save(&memoProbe{ID: "a", Value: "two"}).Error
		},
		"Exec": func(ctx context.Context, db *gorm.DB) error {
			return db.WithContext(ctx).Exec("UPDATE memo_probes SET value = ? WHERE id = ?", "two", "a").Error
		},
		// the earlier attempt's gap: a raw write read back with Scan runs as a "row" statement
		"raw UPDATE … RETURNING read back with Scan": func(ctx context.Context, db *gorm.DB) error {
			var v string
			return db.WithContext(ctx).Raw("UPDATE memo_probes SET value = ? WHERE id = ? RETURNING value", "two", "a").Scan(&v).Error
		},
		"raw UPDATE … RETURNING read back with Find": func(ctx context.Context, db *gorm.DB) error {
			var rows []memoProbe
			return db.WithContext(ctx).Raw("UPDATE memo_probes SET value = ? WHERE id = ? RETURNING id, value", "two", "a").Find(&rows).Error
		},
		"GORM delete and create": func(ctx context.Context, db *gorm.DB) error {
			if err := db.WithContext(ctx).Delete(&memoProbe{ID: "a"}).Error; err != nil {
				return err
			}
			return db.WithContext(ctx).Create(&memoProbe{ID: "a", Value: "two"}).Error
		},
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			db := memoDB(t)
			var p probeLoader
			ctx := database.WithMemo(context.Background())
			if v := p.get(t, ctx, db.Gorm, "a"); v != "one" {
				t.Fatalf("before the write: %q", v)
			}
			if err := write(ctx, db.Gorm); err != nil {
				t.Fatal(err)
			}
			if !database.MemoFrom(ctx).Off() {
				t.Error("the write did not turn the request's memo off")
			}
			if v := p.get(t, ctx, db.Gorm, "a"); v != "two" {
				t.Errorf("after the write the request read %q, want two", v)
			}
			if v := p.get(t, ctx, db.Gorm, "a"); v != "two" || p.loads != 3 {
				t.Errorf("after the write: %q, %d loads; want two, every load from the database (3)", v, p.loads)
			}
		})
	}
}

// A read is not a write: the memo stays on through plain SELECTs, Raw or not.
func TestMemoStaysOnThroughReads(t *testing.T) {
	db := memoDB(t)
	var p probeLoader
	ctx := database.WithMemo(context.Background())
	p.get(t, ctx, db.Gorm, "a")
	var n int64
	if err := db.Gorm.WithContext(ctx).Raw("SELECT count(*) FROM memo_probes").Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	var rows []memoProbe
	if err := db.Gorm.WithContext(ctx).Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	p.get(t, ctx, db.Gorm, "a")
	if database.MemoFrom(ctx).Off() || p.loads != 1 {
		t.Errorf("after two reads the memo is off=%v with %d loads; want on, 1 load", database.MemoFrom(ctx).Off(), p.loads)
	}
}

// In a transaction the memo is bypassed: a read there sees the transaction's own writes; and a
// write there turns the request's memo off before the commit, so that a read outside the
// transaction, made before it commits, is not kept past it.
func TestMemoIsBypassedInTransactions(t *testing.T) {
	db := memoDB(t)
	var p probeLoader
	ctx := database.WithMemo(context.Background())
	p.get(t, ctx, db.Gorm, "a")
	err := db.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if v := p.get(t, ctx, tx, "a"); v != "one" || p.loads != 2 {
			t.Errorf("in the transaction, before its write: %q with %d loads; want one, loaded again (2)", v, p.loads)
		}
		if err := tx.Model(&memoProbe{}).Where("id = ?", "a").Update("value", "two").Error; err != nil {
			return err
		}
		if !database.MemoFrom(ctx).Off() {
			t.Error("a write in the transaction did not turn the request's memo off")
		}
		if v := p.get(t, ctx, tx, "a"); v != "two" {
			t.Errorf("the transaction read %q after its own write, want two", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := p.get(t, ctx, db.Gorm, "a"); v != "two" {
		t.Errorf("after the commit the request read %q, want two", v)
	}
}

// What a caller changes in a row it was given does not change what the memo gives the next.
func TestMemoGivesCopies(t *testing.T) {
	db := memoDB(t)
	ctx := database.WithMemo(context.Background())
	load := func() ([]string, error) { return []string{"x", "y"}, nil }
	first, _ := database.Memoize(ctx, db.Gorm, "copies", func(s []string) []string { return append([]string(nil), s...) }, load)
	first[0] = "changed"
	second, _ := database.Memoize(ctx, db.Gorm, "copies", func(s []string) []string { return append([]string(nil), s...) }, load)
	if second[0] != "x" {
		t.Errorf("the memo gave %v after the first caller changed its copy", second)
	}
	if database.MemoFrom(ctx).Hits() != 1 {
		t.Errorf("hits %d, want 1", database.MemoFrom(ctx).Hits())
	}
}

// MemoizeEach answers the ids already loaded from the memo and asks the database for the others.
func TestMemoizeEachLoadsOnlyTheMissingIDs(t *testing.T) {
	db := memoDB(t)
	ctx := database.WithMemo(context.Background())
	var asked [][]string
	load := func(ids []string) (map[string]string, error) {
		asked = append(asked, ids)
		out := map[string]string{}
		for _, id := range ids {
			if id != "unknown" {
				out[id] = "name of " + id
			}
		}
		return out, nil
	}
	if _, err := database.MemoizeEach(ctx, db.Gorm, "names", []string{"a", "b"}, load); err != nil {
		t.Fatal(err)
	}
	got, err := database.MemoizeEach(ctx, db.Gorm, "names", []string{"b", "c", "unknown"}, load)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["b"] != "name of b" || got["c"] != "name of c" {
		t.Errorf("second batch: %v", got)
	}
	if len(asked) != 2 || len(asked[1]) != 2 || asked[1][0] != "c" || asked[1][1] != "unknown" {
		t.Errorf("asked the database for %v; want [a b] then [c unknown]", asked)
	}
}

// A key is one string however it is given: Memoize's and MemoPut's "prefix|id" is
// MemoizeEach's (prefix, id), whichever of them holds a "|", and the acting organisation is
// part of it.
func TestMemoKeysAreTheirStrings(t *testing.T) {
	db := memoDB(t)
	ctx := database.WithMemo(database.WithTenant(context.Background(), "org-a"))
	loads := 0
	each := func(ctx context.Context, prefix, id string) string {
		t.Helper()
		got, err := database.MemoizeEach(ctx, db.Gorm, prefix, []string{id}, func(ids []string) (map[string]string, error) {
			loads++
			return map[string]string{ids[0]: "loaded " + prefix + "+" + ids[0]}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got[id]
	}
	database.MemoPut(ctx, db.Gorm, "names|a", "put names|a")
	if v := each(ctx, "names", "a"); v != "put names|a" || loads != 0 {
		t.Errorf(`MemoizeEach("names", "a") after MemoPut("names|a"): %q with %d loads`, v, loads)
	}
	if v := each(ctx, "x|y", "z"); v != "loaded x|y+z" || loads != 1 {
		t.Fatalf("the first load: %q, %d loads", v, loads)
	}
	for _, c := range []struct{ prefix, id string }{{"x", "y|z"}, {"x|y", "z"}} {
		if v := each(ctx, c.prefix, c.id); v != "loaded x|y+z" || loads != 1 {
			t.Errorf("MemoizeEach(%q, %q): %q with %d loads; want the row of x|y|z from the memo", c.prefix, c.id, v, loads)
		}
	}
	if !database.Memoised(ctx, db.Gorm, "x|y|z") {
		t.Error(`"x|y|z" is not memoised after MemoizeEach("x|y", "z")`)
	}
	for _, other := range []string{"x|y", "x|y|z|", "x|yz", "xy|z", "|x|y|z", "x||y|z"} {
		if database.Memoised(ctx, db.Gorm, other) {
			t.Errorf("%q is memoised: only x|y|z was", other)
		}
	}
	v, err := database.Memoize(ctx, db.Gorm, "x|y|z", nil, func() (string, error) { return "loaded by Memoize", nil })
	if err != nil || v != "loaded x|y+z" {
		t.Errorf(`Memoize("x|y|z"): %q, %v; want the row MemoizeEach put`, v, err)
	}
	database.MemoPut(ctx, db.Gorm, "whole", "w")
	if !database.Memoised(ctx, db.Gorm, "whole") || database.Memoised(ctx, db.Gorm, "|whole") {
		t.Error(`a key without "|" is not itself alone`)
	}
	other := database.WithTenant(ctx, "org-b")
	if database.Memoised(other, db.Gorm, "x|y|z") || database.Memoised(other, db.Gorm, "names|a") {
		t.Error("another organisation's request sees the rows of org-a")
	}
	if v := each(other, "x", "y|z"); v != "loaded x+y|z" || loads != 2 {
		t.Errorf("for org-b: %q with %d loads; want loaded again", v, loads)
	}
	if v, w := each(other, "x|y", "z"), each(ctx, "x|y", "z"); v != "loaded x+y|z" || w != "loaded x|y+z" || loads != 2 {
		t.Errorf("each organisation's own row from the memo: org-b %q, org-a %q, with %d loads", v, w, loads)
	}
	if err := db.Gorm.WithContext(ctx).Exec("DELETE FROM memo_probes WHERE id = ?", "none").Error; err != nil {
		t.Fatal(err)
	}
	if database.Memoised(ctx, db.Gorm, "x|y|z") || database.Memoised(other, db.Gorm, "x|y|z") {
		t.Error("after a write the memo still holds rows")
	}
}

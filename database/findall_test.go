package database_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"golive/database"
	"golive/database/dbtest"
)

// findProbe and findChild are tables of the test's own, holding every kind of column FindAll
// decodes, with awkward values: text that looks like JSON or a number, quotes, newlines, a
// NULL, negative and large integers, times with nanoseconds.
type findProbe struct {
	ID      string `gorm:"primaryKey"`
	Kind    probeKind
	Text    string
	N       int
	Big     int64
	Flag    bool
	At      time.Time
	Maybe   *time.Time
	Nullish string
	Blob    []byte
}

type probeKind string

func (findProbe) TableName() string { return "find_probes" }

type findChild struct {
	ID      string `gorm:"primaryKey"`
	ProbeID string
	Pos     int
}

func (findChild) TableName() string { return "find_children" }

func findDB(t *testing.T) *database.DB {
	t.Helper()
	db := dbtest.Open(t)
	blob := "BLOB"
	if dbtest.Postgres() {
		blob = "BYTEA"
	}
	for _, ddl := range []string{
		`CREATE TABLE find_probes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, text TEXT NOT NULL, n INTEGER NOT NULL,
			big BIGINT NOT NULL, flag BOOLEAN NOT NULL, at TIMESTAMP NOT NULL, maybe TIMESTAMP, nullish TEXT, blob ` + blob + `)`,
		`CREATE TABLE find_children (id TEXT PRIMARY KEY, probe_id TEXT NOT NULL, pos INTEGER NOT NULL)`,
	} {
		if err := db.Gorm.Exec(ddl).Error; err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 12, 6, 22, 20, 38, 123456000, time.UTC)
	later := at.Add(36 * time.Hour)
	probes := []findProbe{
		{ID: "a", Kind: "utc", Text: `{"looks": ["like", "json"]}`, N: -7, Big: 9_007_199_254_740_993, Flag: true, At: at, Maybe: &later, Blob: []byte{0, 1, 2}},
		{ID: "b", Kind: "ooh", Text: "12345", N: 0, Big: 0, Flag: false, At: at.Add(time.Second), Blob: []byte("x")},
		{ID: "c", Kind: "111", Text: "quote \" and \\ and\nnewline, café", N: 42, Big: -1, At: time.Date(2019, 4, 1, 0, 0, 0, 0, time.UTC)},
	}
	if err := db.Gorm.Create(&probes).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec("UPDATE find_probes SET nullish = NULL").Error; err != nil {
		t.Fatal(err)
	}
	children := []findChild{{ID: "x", ProbeID: "a", Pos: 2}, {ID: "y", ProbeID: "a", Pos: 1}, {ID: "z", ProbeID: "b", Pos: 1}}
	if err := db.Gorm.Create(&children).Error; err != nil {
		t.Fatal(err)
	}
	return db
}

// FindAll loads what Find loads, field for field, on both stacks, in one statement.
func TestFindAllLoadsWhatFindLoads(t *testing.T) {
	db := findDB(t)
	ctx := context.Background()
	var wantProbes []findProbe
	if err := db.Gorm.Omit("blob").Where("id IN ?", []string{"a", "b", "c"}).Order("n DESC").Find(&wantProbes).Error; err != nil {
		t.Fatal(err)
	}
	var wantChildren []findChild
	if err := db.Gorm.Where("probe_id = ?", "a").Order("pos").Find(&wantChildren).Error; err != nil {
		t.Fatal(err)
	}
	if len(wantProbes) != 3 || len(wantChildren) != 2 || wantProbes[0].Blob != nil {
		t.Fatalf("Find loaded %d probes and %d children", len(wantProbes), len(wantChildren))
	}

	q := dbtest.CountQueries(t, db.Gorm)
	q.Reset()
	probes := []findProbe{{ID: "left over"}}
	var children, none []findChild
	err := database.FindAll(ctx, db.Gorm,
		database.Find{Dest: &probes, Where: "id IN ?", Args: []any{[]string{"a", "b", "c"}}, Order: "n DESC", Omit: []string{"blob"}},
		database.Find{Dest: &children, Where: "probe_id = ?", Args: []any{"a"}, Order: "pos"},
		database.Find{Dest: &none, Where: "probe_id = ?", Args: []any{"nobody"}, Order: "pos"})
	if err != nil {
		t.Fatal(err)
	}
	if n := q.Count(); n != 1 {
		t.Errorf("%d statements, want 1:\n%s", n, strings.Join(q.Statements(), "\n"))
	}
	if !reflect.DeepEqual(probes, wantProbes) {
		t.Errorf("probes:\n got %#v\nwant %#v", probes, wantProbes)
	}
	if !reflect.DeepEqual(children, wantChildren) {
		t.Errorf("children:\n got %#v\nwant %#v", children, wantChildren)
	}
	if len(none) != 0 {
		t.Errorf("a part with no rows loaded %v", none)
	}
}

// A column of a type it cannot decode is refused, not loaded empty; so are parts without an
// order, and a Dest that is not a slice of structs.
func TestFindAllRefusesWhatItCannotLoad(t *testing.T) {
	db := findDB(t)
	ctx := context.Background()
	var probes []findProbe
	err := database.FindAll(ctx, db.Gorm, database.Find{Dest: &probes, Where: "id = ?", Args: []any{"a"}, Order: "id"})
	if err == nil || !strings.Contains(err.Error(), "blob") {
		t.Errorf("a []byte column: %v, want it refused", err)
	}
	err = database.FindAll(ctx, db.Gorm, database.Find{Dest: &probes, Where: "id = ?", Args: []any{"a"}, Omit: []string{"blob"}})
	if err == nil {
		t.Error("a part without an order was accepted")
	}
	var one findProbe
	if err := database.FindAll(ctx, db.Gorm, database.Find{Dest: &one, Where: "id = ?", Args: []any{"a"}, Order: "id"}); err == nil {
		t.Error("a Dest that is not a slice was accepted")
	}
}

package database

import (
	"context"
	"maps"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// A request's memo (issue 17, "load what a request needs once"): a page of a lot reads the lot,
// its procurement and its opening in the route's scope check and again in each of the
// evaluation's reads. Rather than thread every row through every call, the stores' by-id loads
// go through Memoize, and a second load of the same row in the same request costs nothing.
//
// It must never serve what the database no longer holds. So:
//   - it lives only as long as one request (WithMemo, set by the web middleware for reads);
//   - every statement that may write (any INSERT, UPDATE or DELETE through GORM, and any raw
//     statement that does not start with SELECT: an `UPDATE … RETURNING` read back with Scan
//     included) empties the memo of the request it runs in and turns it off for the rest of
//     that request (a write in a transaction commits later: a row read before then outside it
//     would be memoised stale). Stores always pass the request's context, so its writes find it;
//     what other requests write meanwhile is no different from a row loaded once and used for
//     the whole request, which is what the memo gives;
//   - inside a transaction it is bypassed: a read there must see the transaction's own writes
//     and take its locks;
//   - on a *gorm.DB without the plugin (InstallMemo) it is bypassed, because writes through it
//     would not be seen.

const memoPluginName = "golive:memo"

// memoPlugin's callbacks turn off the memo of every statement that may have written.
type memoPlugin struct{}

func (*memoPlugin) Name() string { return memoPluginName }

func (p *memoPlugin) Initialize(db *gorm.DB) error {
	cb := db.Callback()
	always := func(tx *gorm.DB) { p.wrote(tx) }
	ifWrite := func(tx *gorm.DB) {
		if mayWrite(tx.Statement.SQL.String()) {
			p.wrote(tx)
		}
	}
	for _, err := range []error{
		cb.Create().After("gorm:create").Register("golive:memo_create", always),
		cb.Update().After("gorm:update").Register("golive:memo_update", always),
		cb.Delete().After("gorm:delete").Register("golive:memo_delete", always),
		// Exec, and Raw(…).Scan / Rows / Row, and Raw(…).Find: each may run any SQL.
		cb.Raw().After("gorm:raw").Register("golive:memo_raw", ifWrite),
		cb.Row().After("gorm:row").Register("golive:memo_row", ifWrite),
		cb.Query().After("gorm:query").Register("golive:memo_query", ifWrite),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}

// wrote empties the memo of the request the statement ran in and turns it off for the rest of it.
func (p *memoPlugin) wrote(tx *gorm.DB) {
	if tx.DryRun {
		return // a statement only built (a subquery of another), never sent
	}
	if tx.Statement != nil && tx.Statement.Context != nil {
		if m, ok := tx.Statement.Context.Value(memoKey{}).(*Memo); ok {
			m.disable()
		}
	}
}

// mayWrite is false only for a statement that is certainly a read: one that starts with SELECT.
// Anything else (INSERT, UPDATE, DELETE, WITH, PRAGMA, VACUUM …) counts as a write.
func mayWrite(sql string) bool {
	s := strings.TrimLeft(sql, " \t\r\n(")
	return len(s) < 6 || !strings.EqualFold(s[:6], "select")
}

// InstallMemo registers the callbacks that keep memos from serving stale rows on g, and the
// list of g's Read observers (empty until a test adds one): Open and OpenSQLiteFile call it; a
// *gorm.DB without it is never memoised.
func InstallMemo(g *gorm.DB) error {
	if _, ok := g.Config.Plugins[readsPluginName]; !ok {
		if err := g.Use(&readsPlugin{}); err != nil {
			return err
		}
	}
	if _, ok := g.Config.Plugins[memoPluginName]; ok {
		return nil
	}
	return g.Use(&memoPlugin{})
}

// Memo holds the rows one request has loaded, by key, apart for each acting organisation
// (scopedKey): rows holds those of org, the first to put one (a request has one organisation,
// so the key need not carry it), and others those of any other.
type Memo struct {
	mu     sync.Mutex
	off    bool
	org    string
	rows   map[rowKey]any
	others map[string]map[rowKey]any
	hits   int
}

// rowKey is a key kept in parts rather than joined into one string: every lookup built that
// string anew, and MemoizeEach two for each id. The parts are those of the one string: head is
// the key up to and with its last "|" ("" when it has none) and tail the rest, so that
// Memoize's "lots|"+id and MemoizeEach's ("lots", id) are the same key, as the strings were.
type rowKey struct {
	head, tail string
}

// scoped is a key with the acting organisation.
type scoped struct {
	org string
	key rowKey
}

// rowsOf is the rows memoised under org (nil if none), made when create and there are none.
func (m *Memo) rowsOf(org string, create bool) map[rowKey]any {
	switch {
	case m.rows == nil:
		if create {
			m.org, m.rows = org, map[rowKey]any{}
		}
		return m.rows
	case m.org == org:
		return m.rows
	}
	t := m.others[org]
	if t == nil && create {
		if m.others == nil {
			m.others = map[string]map[rowKey]any{}
		}
		t = map[rowKey]any{}
		m.others[org] = t
	}
	return t
}

type memoKey struct{}

// WithMemo gives ctx a new, empty memo. Its map is made by the first row put: every read
// request gets a memo, and many (an API call answered from the sign-in alone) put nothing.
func WithMemo(ctx context.Context) context.Context {
	return context.WithValue(ctx, memoKey{}, &Memo{})
}

// MemoFrom returns the memo of ctx, or nil.
func MemoFrom(ctx context.Context) *Memo {
	m, _ := ctx.Value(memoKey{}).(*Memo)
	return m
}

// Hits is how many loads the memo has answered, for tests.
func (m *Memo) Hits() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.hits
}

// Off reports whether a write has turned the memo off.
func (m *Memo) Off() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.off
}

func (m *Memo) disable() {
	m.mu.Lock()
	m.off, m.rows, m.others = true, nil, nil
	m.mu.Unlock()
}

// get returns the row under key, unless the request has written since.
func (m *Memo) get(key scoped) (any, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.off {
		return nil, false
	}
	v, ok := m.rowsOf(key.org, false)[key.key]
	if ok {
		m.hits++
	}
	return v, ok
}

// put stores a row, unless the request has written since: the row may be older than the write.
func (m *Memo) put(key scoped, v any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.off {
		m.rowsOf(key.org, true)[key.key] = v
	}
}

// Memoize answers load() once per request for key: the memo of ctx, when db has the plugin, is
// not in a transaction and no write has happened since, answers again; otherwise load runs.
// key must name the table, the query's variant and every argument of it (the acting
// organisation included, when the query is scoped by it). Errors are not memoised. clone, when
// not nil, copies what a caller could change in a value shared by two loads (slices, pointers).
func Memoize[T any](ctx context.Context, db *gorm.DB, key string, clone func(T) T, load func() (T, error)) (T, error) {
	if t, ok, keep := memoSlot(ctx, db, key, clone); ok {
		return t, nil
	} else if keep != nil {
		return keep(load())
	}
	return load()
}

// memoSlot looks key up in the request's memo: the value (cloned) and true when it is there;
// otherwise keep, which stores a value loaded for key (a clone of it) unless it comes with an
// error, and passes it on. keep is nil when loads through db are not memoised.
func memoSlot[T any](ctx context.Context, db *gorm.DB, key string, clone func(T) T) (t T, ok bool, keep func(T, error) (T, error)) {
	m := usableMemo(ctx, db)
	if m == nil {
		return t, false, nil
	}
	k := scopedKey(ctx, key)
	if v, ok := m.get(k); ok {
		t = v.(T)
		if clone != nil {
			t = clone(t)
		}
		return t, true, nil
	}
	return t, false, func(t T, err error) (T, error) {
		if err != nil {
			return t, err
		}
		stored := t
		if clone != nil {
			stored = clone(t)
		}
		m.put(k, stored)
		return t, nil
	}
}

// MemoPut stores v under key in the request's memo, as if Memoize had loaded it: for a row read
// in the same statement as another (a procurement's opening, with the procurement). Store a
// copy the caller will not change.
func MemoPut[T any](ctx context.Context, db *gorm.DB, key string, v T) {
	if m := usableMemo(ctx, db); m != nil {
		m.put(scopedKey(ctx, key), v)
	}
}

// Memoised reports whether the request's memo holds key (Memoize's key): a load that would
// read it with other rows in one statement need not run.
func Memoised(ctx context.Context, db *gorm.DB, key string) bool {
	m := usableMemo(ctx, db)
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	k := scopedKey(ctx, key)
	_, ok := m.rowsOf(k.org, false)[k.key]
	return ok && !m.off
}

// MemoUsable reports whether loads through db in ctx are memoised.
func MemoUsable(ctx context.Context, db *gorm.DB) bool { return usableMemo(ctx, db) != nil }

// usableMemo is the memo of ctx when db may use it: db has the plugin (its writes are seen) and
// is not a transaction.
func usableMemo(ctx context.Context, db *gorm.DB) *Memo {
	m := MemoFrom(ctx)
	if m == nil || inTransaction(db) {
		return nil
	}
	if _, ok := db.Config.Plugins[memoPluginName].(*memoPlugin); !ok {
		return nil
	}
	return m
}

// scopedKey adds the acting organisation to a key: a load scoped by it differs between them.
func scopedKey(ctx context.Context, key string) scoped {
	org, _ := TenantFrom(ctx)
	i := strings.LastIndexByte(key, '|') + 1
	return scoped{org: org, key: rowKey{head: key[:i], tail: key[i:]}}
}

// scopedKeys gives MemoizeEach's key of each id under prefix: scopedKey(ctx, prefix+"|"+id),
// without joining the strings when id has no "|" of its own.
func scopedKeys(ctx context.Context, prefix string) func(id string) scoped {
	org, _ := TenantFrom(ctx)
	head := prefix + "|"
	return func(id string) scoped {
		if strings.IndexByte(id, '|') >= 0 {
			return scopedKey(ctx, head+id)
		}
		return scoped{org: org, key: rowKey{head: head, tail: id}}
	}
}

// inTransaction reports whether db runs its statements in a transaction.
func inTransaction(db *gorm.DB) bool {
	if db.Statement == nil || db.Statement.ConnPool == nil {
		return false
	}
	_, ok := db.Statement.ConnPool.(gorm.TxCommitter)
	return ok
}

// ClonePtr copies the value p points to, for Memoize's clone of a row loaded as a pointer (nil
// when there is none).
func ClonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// MemoizeEach is Memoize for a batch load by ids: the ids this request has already loaded
// (under prefix) are answered from the memo, and load is called once with the others (none:
// not called). Ids load does not return are left out, and asked again next time.
func MemoizeEach[T any](ctx context.Context, db *gorm.DB, prefix string, ids []string, load func(ids []string) (map[string]T, error)) (map[string]T, error) {
	m := usableMemo(ctx, db)
	if m == nil {
		if len(ids) == 0 {
			return map[string]T{}, nil
		}
		return load(ids)
	}
	key := scopedKeys(ctx, prefix)
	// out and missing are made when first needed: a batch answered wholly by load is answered
	// with load's own map, and one wholly from the memo asks for nothing.
	var out map[string]T
	var missing []string
	for i, id := range ids {
		if v, ok := m.get(key(id)); ok {
			if out == nil {
				out = make(map[string]T, len(ids))
			}
			out[id] = v.(T)
		} else {
			if missing == nil {
				missing = make([]string, 0, len(ids)-i)
			}
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		if out == nil {
			out = map[string]T{}
		}
		return out, nil
	}
	got, err := load(missing)
	if err != nil {
		return nil, err
	}
	for id, v := range got {
		m.put(key(id), v)
	}
	if out == nil {
		if got == nil {
			got = map[string]T{}
		}
		return got, nil
	}
	maps.Copy(out, got)
	return out, nil
}

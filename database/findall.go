package database

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// Find is one table's part of FindAll: the rows of Dest's model Where says, in Order, as
// db.Where(Where, Args...).Order(Order).Find(Dest) would load them.
type Find struct {
	Dest  any // a pointer to a slice of a GORM model
	Where string
	Args  []any
	Order string   // required: a UNION ALL keeps no order of its own
	Omit  []string // columns left at their zero value (a blob a list does not show)
}

// FindAll fills every part's Dest in one statement, for a page that shows several small tables
// (issue 17: its queries do not grow with what it shows). A UNION ALL needs one shape of row,
// so each row travels as a JSON array of its columns, decoded here by the model's GORM schema.
// It decodes what the models it serves hold (strings, integers, booleans, times); a field of
// any other type is refused, so that a model change cannot silently lose a column.
func FindAll(ctx context.Context, db *gorm.DB, finds ...Find) error {
	if len(finds) == 0 {
		return nil
	}
	pg := db.Dialector.Name() == "postgres"
	var (
		sql   strings.Builder
		args  []any
		parts = make([]findPart, len(finds))
	)
	for i, f := range finds {
		p, err := parseFind(db, f)
		if err != nil {
			return err
		}
		parts[i] = p
		if f.Order == "" || f.Where == "" {
			return fmt.Errorf("find all %s: a part needs its Where and its Order", p.schema.Table)
		}
		cols := make([]string, len(p.fields))
		for j, fl := range p.fields {
			cols[j] = quoteColumn(fl.DBName)
		}
		// PostgreSQL's functions take at most 100 arguments.
		if len(cols) > 100 {
			return fmt.Errorf("find all %s: %d columns, more than one JSON array can take", p.schema.Table, len(cols))
		}
		data := "json_array(" + strings.Join(cols, ", ") + ")"
		if pg {
			data = "json_build_array(" + strings.Join(cols, ", ") + ")::text"
		}
		if i > 0 {
			sql.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&sql, "SELECT * FROM (SELECT %d AS part, ROW_NUMBER() OVER (ORDER BY %s) AS ord, %s AS data FROM %s WHERE %s) AS p%d",
			i, f.Order, data, quoteColumn(p.schema.Table), f.Where, i)
		args = append(args, f.Args...)
	}
	sql.WriteString(" ORDER BY part, ord")
	rows, err := db.WithContext(ctx).Raw(sql.String(), args...).Rows()
	if err != nil {
		return fmt.Errorf("find all %s: %w", tableNames(parts), err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			part int
			ord  int64
			data string
		)
		if err := rows.Scan(&part, &ord, &data); err != nil {
			return fmt.Errorf("find all %s: %w", tableNames(parts), err)
		}
		if part < 0 || part >= len(parts) {
			return fmt.Errorf("find all %s: a row of part %d", tableNames(parts), part)
		}
		if err := parts[part].append(data); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find all %s: %w", tableNames(parts), err)
	}
	return nil
}

type findPart struct {
	schema *schema.Schema
	fields []*schema.Field
	dest   reflect.Value // the slice
}

func parseFind(db *gorm.DB, f Find) (findPart, error) {
	dv := reflect.ValueOf(f.Dest)
	if dv.Kind() != reflect.Pointer || dv.Elem().Kind() != reflect.Slice || dv.Elem().Type().Elem().Kind() != reflect.Struct {
		return findPart{}, fmt.Errorf("find all: Dest is %T, not a pointer to a slice of structs", f.Dest)
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(f.Dest); err != nil {
		return findPart{}, fmt.Errorf("find all %T: %w", f.Dest, err)
	}
	omit := map[string]bool{}
	for _, c := range f.Omit {
		omit[c] = true
	}
	p := findPart{schema: stmt.Schema, dest: dv.Elem()}
	for _, fl := range stmt.Schema.Fields {
		if fl.DBName == "" || !fl.Readable || omit[fl.DBName] {
			continue
		}
		if !decodable(fl.FieldType) {
			return findPart{}, fmt.Errorf("find all %s: column %s is a %s, which it does not decode", stmt.Schema.Table, fl.DBName, fl.FieldType)
		}
		p.fields = append(p.fields, fl)
	}
	// The slice is filled, not appended to: as Find does.
	p.dest.SetLen(0)
	return p, nil
}

var timeType = reflect.TypeFor[time.Time]()

func decodable(t reflect.Type) bool {
	if t == timeType || t == reflect.PointerTo(timeType) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

// append decodes one row's JSON array into a new element of the part's slice.
func (p *findPart) append(data string) error {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	var vals []any
	if err := dec.Decode(&vals); err != nil {
		return fmt.Errorf("find all %s: decode a row: %w", p.schema.Table, err)
	}
	if len(vals) != len(p.fields) {
		return fmt.Errorf("find all %s: a row of %d columns, expected %d", p.schema.Table, len(vals), len(p.fields))
	}
	elem := reflect.New(p.schema.ModelType).Elem()
	for j, fl := range p.fields {
		if err := setColumn(elem.FieldByIndex(fl.StructField.Index), vals[j]); err != nil {
			return fmt.Errorf("find all %s: column %s: %w", p.schema.Table, fl.DBName, err)
		}
	}
	p.dest.Set(reflect.Append(p.dest, elem))
	return nil
}

// setColumn sets a field from a JSON value as the database drivers would scan the column:
// SQLite gives booleans as 0 or 1 and times as its text; PostgreSQL's JSON gives a
// TIMESTAMP (without time zone) as ISO 8601 without an offset.
func setColumn(v reflect.Value, val any) error {
	if val == nil {
		v.SetZero()
		return nil
	}
	t := v.Type()
	if t == timeType || t == reflect.PointerTo(timeType) {
		s, ok := val.(string)
		if !ok {
			return fmt.Errorf("a time given as %T", val)
		}
		tm, err := parseTime(s)
		if err != nil {
			return err
		}
		if t == timeType {
			v.Set(reflect.ValueOf(tm))
		} else {
			v.Set(reflect.ValueOf(&tm))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		switch x := val.(type) {
		case string:
			v.SetString(x)
		case json.Number:
			v.SetString(x.String())
		default:
			return fmt.Errorf("a string given as %T", val)
		}
	case reflect.Bool:
		switch x := val.(type) {
		case bool:
			v.SetBool(x)
		case json.Number:
			v.SetBool(x.String() != "0")
		default:
			return fmt.Errorf("a boolean given as %T", val)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var s string
		switch x := val.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = x
		default:
			return fmt.Errorf("an integer given as %T", val)
		}
		n, err := strconv.ParseInt(s, 10, t.Bits())
		if err != nil {
			return fmt.Errorf("an integer: %w", err)
		}
		v.SetInt(n)
	default:
		return fmt.Errorf("a %s", t)
	}
	return nil
}

// timeLayouts are those the SQLite driver (glebarez/go-sqlite) writes and reads, which also
// cover PostgreSQL's JSON for a TIMESTAMP; read in UTC, as both drivers scan them.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

func parseTime(s string) (time.Time, error) {
	ts := strings.TrimSuffix(s, "Z")
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, ts, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("a time %q in no known layout", s)
}

func quoteColumn(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func tableNames(parts []findPart) string {
	names := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.schema != nil {
			names = append(names, p.schema.Table)
		}
	}
	return strings.Join(names, ", ")
}

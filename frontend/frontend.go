// Package frontend holds golive's server-rendered pages: templates built on the NHS.UK design
// system, the typed layout every page fills, and the static assets (nhsuk-frontend, built from
// npm by `make assets`) embedded in the binary.
package frontend

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"golive/tenants/access"
	"golive/ukclock"
)

//go:embed templates
var templatesFS embed.FS

//go:embed all:static
var staticFS embed.FS

// Static is the tree served at /static.
func Static() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}

// Layout is what the shared page frame shows.
type Layout struct {
	Title     string
	User      *User
	CSRF      string
	Nav       []Link // the header's menu
	Account   []Link // links in the header's account section, before Sign out
	Path      string
	Errors    []FieldError // the error summary, in field order
	FieldErrs map[string]string
	Flash     string
	RequestID string
}

// User is the signed-in person in the header.
type User struct {
	Name, Email, OrgName, OrgKind string
	Roles                         []string
}

// Link is a header navigation link.
type Link struct {
	Label, Href string
	Current     bool
}

// FieldError is one line of the error summary, linking to its field.
type FieldError struct {
	Field, Message string
}

// Page is the data every template receives: the layout and the page's own typed content.
type Page struct {
	Layout
	Content any
}

// Renderer renders pages from the embedded templates.
type Renderer struct {
	pages map[string]*template.Template
	// bufs are the buffers pages are rendered into, kept for the next page: growing a new one
	// to a large page's size (a plan of 300 milestones is 700 KB) made more garbage than the
	// page itself (mobilisation's BenchmarkPlanPage300).
	bufs sync.Pool
}

// maxKeptBuffer is the largest buffer kept for the next page; a larger one is left to the
// garbage collector, so one huge page does not hold its memory for good.
const maxKeptBuffer = 4 << 20

// New parses every page with the layout and partials.
func New() (*Renderer, error) {
	base := template.New("").Funcs(Funcs)
	base, err := base.ParseFS(templatesFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	err = fs.WalkDir(templatesFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || p == "templates/layout.html" || strings.HasPrefix(p, "templates/partials/") {
			return err
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(templatesFS, p); err != nil {
			return fmt.Errorf("parse %s: %w", p, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "templates/"), ".html")
		r.pages[name] = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Render writes page name; it renders to a buffer first so a template error never sends half a page.
func (r *Renderer) Render(w io.Writer, name string, data any) error {
	t, ok := r.pages[name]
	if !ok {
		return fmt.Errorf("render: no page template %q", name)
	}
	buf, _ := r.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxKeptBuffer {
			buf.Reset()
			r.bufs.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Pages lists the page templates, for tests.
func (r *Renderer) Pages() []string {
	out := make([]string, 0, len(r.pages))
	for k := range r.pages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Funcs are the template helpers: formatting only, never a business rule.
var Funcs = template.FuncMap{
	// london, londonDate and ukTime show instants in the one NHS.UK style, UK time (GMT or BST):
	// "27 March 2027 at 2:30pm" and "27 March 2027" (ukclock.DateTime and ukclock.Date).
	"london": dateTime,
	"ukTime": dateTime,
	// ocdsDate shows an OCDS date-time (RFC 3339 text) as a UK day.
	"ocdsDate": func(s string) string {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return s
		}
		return ukclock.Date(t)
	},
	"londonDate": ukclock.Date,
	// list makes a slice in a template: (list "day" "month" "year").
	"list": func(v ...string) []string { return v },
	// mod and ukDate lay out the timeline drawing.
	"mod":    func(a, b int) int { return a % b },
	"ukDate": func(t time.Time) string { return t.In(ukclock.London).Format("2 Jan 2006") },
	"pence":  Pence,
	// percent shows basis points as a percentage: 1250 → "12.5%".
	"percent": func(bp int) string {
		sign := ""
		if bp < 0 {
			sign, bp = "-", -bp
		}
		s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
		return sign + strings.TrimRight(strings.TrimRight(s, "0"), ".") + "%"
	},
	// fileSize shows a byte count as people read it.
	"fileSize": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d bytes", n)
	},
	"add": func(a, b int) int { return a + b },
	// plural writes a count with its noun, "1 year" or "5 years".
	"plural": func(n any, one, many string) string {
		s := fmt.Sprint(n)
		if s == "1" {
			return s + " " + one
		}
		return s + " " + many
	},
	"join": strings.Join,
	"has": func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	},
	"fieldErr": func(m map[string]string, f string) string { return m[f] },
	"roleName": RoleName,
	"base":     path.Base,
	// dict builds the argument map for partials such as textInput: (dict "Name" "email" "Label" "Email address" …)
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
}

// dateTime shows a time.Time or *time.Time (nil and zero show nothing).
func dateTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		return ukclock.DateTime(v)
	case *time.Time:
		if v != nil {
			return ukclock.DateTime(*v)
		}
	}
	return ""
}

// RoleName is the label people read for a role (its key, or an access.Role).
func RoleName(role any) string { return access.RoleLabel(fmt.Sprint(role)) }

// StaticFS is Static for net/http file servers.
func StaticFS() http.FileSystem { return http.FS(Static()) }

// Pence shows money held in pence as pounds: 31500000000 → "£315,000,000.00". Integer
// arithmetic only: money never passes through a float.
func Pence(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	pounds := fmt.Sprint(p / 100)
	var b strings.Builder
	for i, r := range pounds {
		if i > 0 && (len(pounds)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s£%s.%02d", sign, b.String(), p%100)
}

package record

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"path"
	"strings"
	"time"

	"golive/audit"
	"golive/ukclock"
)

// The archive's layout (format golive-record/1):
//
//	index.html           the human-readable index: sections, files, regulation 24 items
//	manifest.json        every other file's SHA-256 and size, the chain head at export
//	audit/events.json    the procurement's audit events, whole rows with their chain hashes
//	audit/events.csv     the same events for people: names, UK time
//	<section>/<file>     each provider's sections
//
// manifest.json is not listed in itself: its own SHA-256 is written into the audit event that
// records the export, so a manifest rewritten to match altered files no longer matches the chain.
const (
	Format       = "golive-record/1"
	manifestName = "manifest.json"
	indexName    = "index.html"
	eventsName   = "audit/events.json"
	eventsCSV    = "audit/events.csv"
)

// ExportAction is the audit action of a download: its summary holds the manifest's SHA-256.
const ExportAction = "record.exported"

// Manifest is manifest.json.
type Manifest struct {
	Format      string         `json:"format"`
	Procurement ManifestHeader `json:"procurement"`
	ExportedAt  time.Time      `json:"exported_at"`
	ExportedBy  string         `json:"exported_by"`
	Audit       ManifestAudit  `json:"audit"`
	Files       []ManifestFile `json:"files"`
}

// ManifestHeader names the procurement.
type ManifestHeader struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Reference string `json:"reference"`
	Regime    string `json:"regime"`
	LeadOrg   string `json:"lead_organisation"`
}

// ManifestAudit is the audit chain's head when the archive was made, and the events it holds.
type ManifestAudit struct {
	HeadSeq  int64  `json:"chain_head_seq"`
	HeadHash string `json:"chain_head_hash"`
	Events   int    `json:"events"`
	File     string `json:"events_file"`
}

// ManifestFile is one file of the archive.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Bytes  int    `json:"bytes"`
}

// EventRow is an audit event as events.json holds it: every field its hash covers, the summary
// as the stored text, so that anyone can recompute the hash (audit/chain.go documents how).
type EventRow struct {
	Seq         int64     `json:"seq"`
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	TenantID    string    `json:"tenant_id"`
	ActorUserID string    `json:"actor_user_id"`
	ActorOrgID  string    `json:"actor_org_id"`
	Action      string    `json:"action"`
	ObjectType  string    `json:"object_type"`
	ObjectID    string    `json:"object_id"`
	Summary     string    `json:"summary"`
	PrevHash    string    `json:"prev_hash"`
	Hash        string    `json:"hash"`
}

func eventRow(e audit.Event) EventRow {
	return EventRow{Seq: e.Seq, ID: e.ID, At: e.At.UTC(), TenantID: e.TenantID, ActorUserID: e.ActorUserID, ActorOrgID: e.ActorOrgID,
		Action: e.Action, ObjectType: e.ObjectType, ObjectID: e.ObjectID, Summary: e.Summary, PrevHash: e.PrevHash, Hash: e.Hash}
}

// Event is the row back as audit's type.
func (r EventRow) Event() audit.Event {
	return audit.Event{ID: r.ID, Seq: r.Seq, At: r.At, TenantID: r.TenantID, ActorUserID: r.ActorUserID, ActorOrgID: r.ActorOrgID,
		Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Summary: r.Summary, PrevHash: r.PrevHash, Hash: r.Hash}
}

// contents is what goes into one archive.
type contents struct {
	header     Header
	exportedAt time.Time
	exportedBy string
	head       audit.Head
	events     []audit.Event
	eventsCSV  []byte
	sections   []Section
}

type entry struct {
	path  string
	title string
	body  []byte
}

// build writes the archive and returns it with the SHA-256 of its manifest.
func build(c contents) ([]byte, string, error) {
	rows := make([]EventRow, len(c.events))
	for i, e := range c.events {
		rows[i] = eventRow(e)
	}
	eventsJSON, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		return nil, "", fmt.Errorf("encode audit events: %w", err)
	}
	var files []entry
	seen := map[string]bool{}
	for _, s := range c.sections {
		for _, f := range s.Files {
			p := path.Join(s.Key, f.Name)
			if seen[p] || !validPath(p) {
				return nil, "", fmt.Errorf("section %s: file name %q is invalid or used twice", s.Key, f.Name)
			}
			seen[p] = true
			files = append(files, entry{path: p, title: f.Title, body: f.Body})
		}
	}
	files = append(files, entry{path: eventsName, title: "Audit events (with their chain hashes)", body: eventsJSON},
		entry{path: eventsCSV, title: "Audit events", body: c.eventsCSV})
	index, err := indexPage(c)
	if err != nil {
		return nil, "", err
	}
	files = append([]entry{{path: indexName, body: index}}, files...)

	m := Manifest{Format: Format, ExportedAt: c.exportedAt.UTC(), ExportedBy: c.exportedBy,
		Procurement: ManifestHeader{ID: c.header.ProcurementID, Title: c.header.Title, Reference: c.header.Reference, Regime: c.header.Regime, LeadOrg: c.header.LeadOrg},
		Audit:       ManifestAudit{HeadSeq: c.head.Seq, HeadHash: c.head.Hash, Events: len(c.events), File: eventsName}}
	for _, f := range files {
		m.Files = append(m.Files, ManifestFile{Path: f.path, SHA256: sum(f.body), Bytes: len(f.body)})
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, "", fmt.Errorf("encode manifest: %w", err)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	write := func(name string, body []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: c.exportedAt})
		if err != nil {
			return fmt.Errorf("add %s to the archive: %w", name, err)
		}
		if _, err := w.Write(body); err != nil {
			return fmt.Errorf("write %s to the archive: %w", name, err)
		}
		return nil
	}
	if err := write(manifestName, manifest); err != nil {
		return nil, "", err
	}
	for _, f := range files {
		if err := write(f.path, f.body); err != nil {
			return nil, "", err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, "", fmt.Errorf("close the archive: %w", err)
	}
	return buf.Bytes(), sum(manifest), nil
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// validPath keeps every name inside the archive's folder when it is unpacked.
func validPath(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, "..") && !strings.Contains(p, "\\") && p != manifestName
}

// Item is a matter PSR regulation 24 asks a relevant authority to record of a decision
// (DOMAIN.md "Records"). Providers tag each file with the items it answers, and the index page
// lists, for each item, the files that answer it: a section added later (notices) tags its own.
type Item int

// The items of regulation 24 the index lists, in its order.
const (
	ItemProcess Item = iota + 1
	ItemDecisionMakers
	ItemCriteria
	ItemScores
	ItemReasons
	ItemConflicts
	ItemProvider
	ItemRepresentations
	ItemWhoSawWhat
)

// Regulation24 describes the items.
var Regulation24 = []struct {
	Item Item
	Text string
}{
	{ItemProcess, "The decision-making process followed"},
	{ItemDecisionMakers, "The decision-makers: the governing bodies that decided, with their minutes, and the evaluation panel"},
	{ItemCriteria, "The key criteria and their relative importance, and the price formula"},
	{ItemScores, "Each evaluator's own scores and rationale, moderation and consensus"},
	{ItemReasons, "The reasons for the decision against the key criteria: the ranking, and the letters as sent"},
	{ItemConflicts, "Declared conflicts of interest and how they were managed"},
	{ItemProvider, "The provider chosen and the contract awarded"},
	{ItemRepresentations, "Representations made and the decisions on them"},
	{ItemWhoSawWhat, "Who saw, changed or exported what, and when"},
}

type indexSection struct {
	Title, About string
	Files        []indexFile
}

type indexFile struct{ Path, Title string }

type indexItem struct {
	Item  string
	Files []string
}

type indexData struct {
	H          Header
	ExportedAt string
	ExportedBy string
	Head       audit.Head
	Events     int
	Sections   []indexSection
	Reg24      []indexItem
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Record of {{.H.Title}} ({{.H.Reference}})</title>
<style>body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#212b32}
code{word-break:break-all}table{border-collapse:collapse}th,td{text-align:left;padding:.25rem .75rem .25rem 0;vertical-align:top}</style></head>
<body><main>
<h1>Record of {{.H.Title}}</h1>
<table>
<tr><th scope="row">Reference</th><td>{{.H.Reference}}</td></tr>
<tr><th scope="row">Regime</th><td>{{.H.Regime}}</td></tr>
<tr><th scope="row">Lead commissioner</th><td>{{.H.LeadOrg}}</td></tr>
<tr><th scope="row">Exported</th><td>{{.ExportedAt}} (UK time) by {{.ExportedBy}}</td></tr>
<tr><th scope="row">Audit chain head at export</th><td>seq {{.Head.Seq}}, hash <code>{{.Head.Hash}}</code></td></tr>
<tr><th scope="row">Audit events of this procurement</th><td>{{.Events}}</td></tr>
</table>
<p>Every file is listed in <a href="manifest.json">manifest.json</a> with its SHA-256. To check this archive and that its audit
events are still those of golive's audit chain, run <code>golive record verify record.zip</code>.</p>
<h2>PSR regulation 24: what the record holds</h2>
<ul>{{range .Reg24}}<li>{{.Item}}{{if .Files}}: {{range $i, $f := .Files}}{{if $i}}, {{end}}<a href="{{$f}}">{{$f}}</a>{{end}}{{else}}: nothing recorded yet{{end}}</li>
{{end}}</ul>
<h2>Contents</h2>
{{range .Sections}}<h3>{{.Title}}</h3>{{if .About}}<p>{{.About}}</p>{{end}}
<ul>{{range .Files}}<li><a href="{{.Path}}">{{if .Title}}{{.Title}}{{else}}{{.Path}}{{end}}</a> ({{.Path}})</li>
{{end}}</ul>
{{end}}
</main></body></html>
`))

func indexPage(c contents) ([]byte, error) {
	d := indexData{H: c.header, ExportedAt: ukclock.DateTime(c.exportedAt), ExportedBy: c.exportedBy,
		Head: c.head, Events: len(c.events)}
	byItem := map[Item][]string{}
	for _, s := range c.sections {
		is := indexSection{Title: s.Title, About: s.About}
		for _, f := range s.Files {
			p := path.Join(s.Key, f.Name)
			is.Files = append(is.Files, indexFile{Path: p, Title: f.Title})
			for _, it := range f.Answers {
				byItem[it] = append(byItem[it], p)
			}
		}
		d.Sections = append(d.Sections, is)
	}
	d.Sections = append(d.Sections, indexSection{Title: "Audit events of this procurement",
		About: "Who saw, changed or exported what, and when: every event recorded on the procurement, its lots and what they hold, up to the chain head above.",
		Files: []indexFile{{Path: eventsCSV, Title: "Audit events"}, {Path: eventsName, Title: "Audit events with their chain hashes"}}})
	byItem[ItemWhoSawWhat] = append(byItem[ItemWhoSawWhat], eventsCSV, eventsName)
	byItem[ItemProcess] = append(byItem[ItemProcess], eventsCSV)
	for _, r := range Regulation24 {
		d.Reg24 = append(d.Reg24, indexItem{Item: r.Text, Files: byItem[r.Item]})
	}
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, d); err != nil {
		return nil, fmt.Errorf("write index.html: %w", err)
	}
	return b.Bytes(), nil
}

package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTheEvaluationExportDownloadsAsAFileOrAClearProblem downloads a lot's evaluation over the
// API and from the pages: the lead gets a workbook or a CSV with a safe file name; a format
// it does not know is a problem naming the field; Healthwatch is refused.
func TestTheEvaluationExportDownloadsAsAFileOrAClearProblem(t *testing.T) {
	s := startServer(t, nil)
	lot := matrixProcurements(t, s)["opened"].lot
	lead := s.apiToken(t, "lead@medway-ccg.test")
	path := "/evaluations/lots/" + lot + "/export"

	raw := lotsAPIWant(t, s, 422, "GET", path+"?format=pdf", lead, nil, nil)
	if p := lotsAPIDecodeProblem(t, raw); len(p.Errors) != 1 || p.Errors[0].Field != "format" || p.Errors[0].Detail == "" {
		t.Fatalf("a bad format is refused without a message on the field: %s", raw)
	}

	resp, body := s.api(t, "GET", path+"?format=csv", lead, nil, nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("the CSV export: %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if d := resp.Header.Get("Content-Disposition"); d != `attachment; filename=evaluation-MX-OPEN-lot-1.csv` {
		t.Fatalf("the CSV's Content-Disposition is %q", d)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("the export may be cached: %q", cc)
	}
	rd := csv.NewReader(bytes.NewReader(body))
	rd.FieldsPerRecord = -1
	pending := false
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		if rec[0] == "summary" && rec[1] == "Results" && strings.HasPrefix(rec[2], "Not yet computed") {
			pending = true
		}
	}
	if !pending {
		t.Fatalf("the CSV of a lot in scoring does not say the results are not computed yet:\n%s", body)
	}

	resp, body = s.api(t, "GET", path, lead, nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("the default export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) < 8 || sheets[0] != "Summary" {
		t.Fatalf("the workbook's sheets: %v", sheets)
	}

	// Healthwatch, who has no API (issue 14 item 7), is refused the pages' downloads.
	hw := s.browser(t)
	hw.signIn("reviewer@healthwatch-kent.test")
	for _, ext := range []string{"xlsx", "csv"} {
		if code, _ := hw.get("/evaluations/lots/" + lot + "/export." + ext); code != http.StatusForbidden {
			t.Fatalf("Healthwatch's %s download: %d", ext, code)
		}
	}

	// The pages' downloads, as the links on the results page follow them.
	b := s.browser(t)
	b.signIn("approver@swale-ccg.test")
	for _, c := range []struct{ ext, ctype string }{
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"csv", "text/csv; charset=utf-8"},
	} {
		resp, err := b.c.Get(s.URL + "/evaluations/lots/" + lot + "/export." + c.ext)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.ctype ||
			resp.Header.Get("Content-Disposition") != "attachment; filename=evaluation-MX-OPEN-lot-1."+c.ext {
			t.Fatalf("the %s download: %d %q %q", c.ext, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
	}

	// Every copy that left is on the audit record, with who took it and in what form; the refused
	// ones (a bad format, Healthwatch) are not.
	var taken []struct{ Format, Email string }
	if err := s.App.DB.Gorm.Raw(`SELECT e.summary AS format, u.email FROM audit_events e JOIN users u ON u.id = e.actor_user_id
		WHERE e.action = 'evaluation.exported' AND e.object_id = ? ORDER BY e.seq`, lot).Scan(&taken).Error; err != nil {
		t.Fatal(err)
	}
	want := []struct{ format, email string }{
		{"csv", "lead@medway-ccg.test"}, {"xlsx", "lead@medway-ccg.test"},
		{"xlsx", "approver@swale-ccg.test"}, {"csv", "approver@swale-ccg.test"},
	}
	if len(taken) != len(want) {
		t.Fatalf("%d exports audited, want %d: %+v", len(taken), len(want), taken)
	}
	for i, w := range want {
		if taken[i].Email != w.email || !strings.Contains(taken[i].Format, `"format":"`+w.format+`"`) {
			t.Errorf("audited export %d: %+v, want %s by %s", i+1, taken[i], w.format, w.email)
		}
	}
}

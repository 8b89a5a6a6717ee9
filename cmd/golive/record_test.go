package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golive/database"
	demodata "golive/demo"
	"golive/record"
)

// TestTheRecordOfTheKentAndMedwayProcurementVerifiesUntilChanged exports the record of the demo's
// Kent and Medway procurement as its lead would, and checks it with `golive record verify` as a
// court's expert would: it passes as exported, fails when one byte of the archive changes, and
// fails when one audit row of the procurement is changed in the database.
func TestTheRecordOfTheKentAndMedwayProcurementVerifiesUntilChanged(t *testing.T) {
	cfg, _, getenv := operatorEnv(t)
	ctx := context.Background()
	runDemo(t, getenv)
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	d, err := demodata.Evaluations(ctx, a.demoServices())
	if err != nil || d.KentLot1 == "" {
		t.Fatalf("demo evaluations: %+v %v", d, err)
	}
	lead, err := a.Tenants.ActorByEmail(ctx, "lead@medway-ccg.test")
	if err != nil {
		t.Fatal(err)
	}
	lctx := database.WithTenant(ctx, lead.OrgID)
	l, err := a.Eval.Store.Lot(lctx, d.KentLot1)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := a.Record.Export(lctx, lead, l.ProcurementID)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, ar.Name)
	if err := os.WriteFile(file, ar.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	verify := func(path string) (string, error) {
		var out strings.Builder
		err := run(ctx, []string{"record", "verify", path}, getenv, &out)
		return out.String(), err
	}

	t.Run("the archive holds each part of the record", func(t *testing.T) {
		zr, err := zip.NewReader(bytes.NewReader(ar.Body), int64(len(ar.Body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			files[f.Name] = string(b)
		}
		for _, name := range []string{"index.html", "manifest.json", "procurement/timeline.csv", "procurement/governing-body-decisions.csv",
			"procurement/opening-log.csv", "evaluation/lot-1/declarations.csv", "evaluation/lot-1/individual-scores.csv",
			"evaluation/lot-1/consensus.csv", "evaluation/lot-1/ranking.csv", "evaluation/lot-1/price-formula.txt", "evaluation/lot-1/conflicts.txt",
			"award/lot-1/letters.txt", "award/lot-1/representations.csv", "audit/events.json", "audit/events.csv"} {
			if strings.TrimSpace(files[name]) == "" {
				t.Errorf("the archive has no %s, or it is empty", name)
			}
		}
		for name, want := range map[string]string{
			"procurement/governing-body-decisions.csv": "approve",
			"evaluation/lot-1/conflicts.txt":           "Managed:",
			"award/lot-1/letters.txt":                  "intend to award the contract",
			"index.html":                               "regulation 24",
			"audit/events.csv":                         "opening.confirmed",
		} {
			if !strings.Contains(files[name], want) {
				t.Errorf("%s does not say %q:\n%.600s", name, want, files[name])
			}
		}
		var m record.Manifest
		if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil {
			t.Fatal(err)
		}
		if m.Audit.HeadHash == "" || m.Audit.Events == 0 || len(m.Files) != len(files)-1 {
			t.Errorf("manifest: head %q, %d events, %d files for %d in the archive", m.Audit.HeadHash, m.Audit.Events, len(m.Files), len(files))
		}
		for _, action := range []string{"score.recorded", "consensus.recorded", "business_case.approved", "standstill.started"} {
			if !strings.Contains(files["audit/events.json"], `"action": "`+action+`"`) {
				t.Errorf("the archive's audit events have no %s", action)
			}
		}
	})

	t.Run("verify passes on the archive as exported", func(t *testing.T) {
		out, err := verify(file)
		if err != nil {
			t.Fatalf("verify: %v", err)
		}
		if !strings.Contains(out, "record verified") {
			t.Fatalf("verify said: %s", out)
		}
	})

	t.Run("verify fails after one byte of the archive changes", func(t *testing.T) {
		for _, at := range []int{len(ar.Body) / 3, len(ar.Body) / 2, len(ar.Body) - 10} {
			b := bytes.Clone(ar.Body)
			b[at] ^= 0x01
			changed := filepath.Join(dir, "changed.zip")
			if err := os.WriteFile(changed, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := verify(changed); err == nil {
				t.Errorf("verify passed with byte %d of %d changed", at, len(b))
			}
		}
		// One byte of a file's content, re-zipped so that the zip itself is sound: the
		// manifest's SHA-256 catches it and names the file.
		changed := filepath.Join(dir, "rezipped.zip")
		if err := os.WriteFile(changed, rezip(t, ar.Body, "evaluation/lot-1/individual-scores.csv"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := verify(changed)
		if err == nil || !strings.Contains(err.Error(), "individual-scores.csv") || !strings.Contains(err.Error(), "SHA-256") {
			t.Fatalf("verify of a re-zipped archive with a score changed: %v", err)
		}
	})

	t.Run("verify fails when a file and the manifest are both rewritten to match", func(t *testing.T) {
		changed := filepath.Join(dir, "forged.zip")
		if err := os.WriteFile(changed, forge(t, ar.Body, "evaluation/lot-1/ranking.csv"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := verify(changed)
		if err == nil || !strings.Contains(err.Error(), "manifest was rewritten") {
			t.Fatalf("verify of an archive with a matching forged manifest: %v", err)
		}
	})

	t.Run("verify fails after one audit row of the procurement is changed in the database", func(t *testing.T) {
		var seq int64
		a.DB.Gorm.Raw("SELECT seq FROM audit_events WHERE action = 'score.recorded' AND object_id = ? ORDER BY seq LIMIT 1", d.KentLot1).Scan(&seq)
		if seq == 0 {
			t.Fatal("no score.recorded event of Kent and Medway lot 1")
		}
		if err := a.DB.Gorm.Exec("UPDATE audit_events SET summary = ? WHERE seq = ?", `{"score":4}`, seq).Error; err != nil {
			t.Fatal(err)
		}
		_, err := verify(file)
		if err == nil || !strings.Contains(err.Error(), "seq "+itoa(seq)) {
			t.Fatalf("verify after audit row seq %d was changed: %v", seq, err)
		}
	})
}

// rezip copies an archive with one byte of one file's content changed.
func rezip(t *testing.T, body []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == name {
			b[len(b)/2] ^= 0x01
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// forge copies an archive with one byte of one file changed and the manifest recomputed to match.
func forge(t *testing.T, body []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = b
		order = append(order, f.Name)
	}
	files[name][len(files[name])/2] ^= 0x01
	var m record.Manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		if f.Path == name {
			s := sha256.Sum256(files[name])
			m.Files[i].SHA256 = hex.EncodeToString(s[:])
		}
	}
	if files["manifest.json"], err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, n := range order {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

package record

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"gorm.io/gorm"

	"golive/audit"
)

// Verified is what a verification checked.
type Verified struct {
	ProcurementID string
	Reference     string
	Files         int
	Events        int
	Head          audit.Head
}

// maxEntry bounds what one file of an archive may unpack to: a record is megabytes, and a
// crafted archive must not fill the verifier's memory.
const maxEntry = 512 << 20

// Verify checks an archive against itself and against the running audit chain in db:
//   - every file is listed in the manifest with its SHA-256, and none is missing or extra;
//   - each archived event hashes to its recorded hash, and the row of the same seq in the
//     database is the same event byte for byte;
//   - the chain head at export is still in the chain, and the chain verifies (audit.Verify), so
//     the archived events are linked to today's head;
//   - the export was audited with this manifest's SHA-256 and the archive's, so a manifest
//     rewritten to match altered files is caught, and so is any other byte of the zip.
//
// The first failure is returned as an error that says what is wrong.
func Verify(ctx context.Context, db *gorm.DB, archive []byte) (Verified, error) {
	var v Verified
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		return v, fmt.Errorf("the file is not a readable zip archive (it was truncated or changed): %w", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return v, fmt.Errorf("the archive holds %s twice", f.Name)
		}
		body, err := readEntry(f)
		if err != nil {
			return v, fmt.Errorf("file %s of the archive cannot be read (it was changed): %w", f.Name, err)
		}
		files[f.Name] = body
	}
	raw, ok := files[manifestName]
	if !ok {
		return v, errors.New("the archive has no manifest.json")
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return v, fmt.Errorf("manifest.json is not valid JSON: %w", err)
	}
	if m.Format != Format {
		return v, fmt.Errorf("manifest.json has format %q, not %q", m.Format, Format)
	}
	v.ProcurementID, v.Reference, v.Head = m.Procurement.ID, m.Procurement.Reference, audit.Head{Seq: m.Audit.HeadSeq, Hash: m.Audit.HeadHash}

	listed := map[string]bool{manifestName: true}
	for _, mf := range m.Files {
		listed[mf.Path] = true
		body, ok := files[mf.Path]
		if !ok {
			return v, fmt.Errorf("file %s is listed in the manifest but missing from the archive", mf.Path)
		}
		if got := sum(body); got != mf.SHA256 {
			return v, fmt.Errorf("file %s has SHA-256 %s but the manifest says %s: the file was changed after export", mf.Path, got, mf.SHA256)
		}
		v.Files++
	}
	extra := []string{}
	for name := range files {
		if !listed[name] {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return v, fmt.Errorf("file %s is in the archive but not in the manifest: it was added after export", extra[0])
	}

	var rows []EventRow
	if err := json.Unmarshal(files[m.Audit.File], &rows); err != nil {
		return v, fmt.Errorf("%s is not a list of audit events: %w", m.Audit.File, err)
	}
	if len(rows) != m.Audit.Events {
		return v, fmt.Errorf("%s holds %d events but the manifest says %d", m.Audit.File, len(rows), m.Audit.Events)
	}
	if err := checkEvents(ctx, db, rows, v.Head); err != nil {
		return v, err
	}
	v.Events = len(rows)
	if err := checkExported(ctx, db, m.Procurement.ID, sum(raw), sum(archive)); err != nil {
		return v, err
	}
	return v, nil
}

func readEntry(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > maxEntry {
		return nil, fmt.Errorf("it unpacks to %d bytes, more than a record holds", f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// ReadAll reaches EOF, where archive/zip checks the entry's CRC-32.
	return io.ReadAll(io.LimitReader(rc, maxEntry+1))
}

// checkEvents compares the archived events with the stored rows of the same seq, and the head at
// export with the chain.
func checkEvents(ctx context.Context, db *gorm.DB, rows []EventRow, head audit.Head) error {
	seqs := make([]int64, 0, len(rows)+1)
	for _, r := range rows {
		e := r.Event()
		if got := audit.Hash(e.PrevHash, e); got != e.Hash {
			return fmt.Errorf("audit event seq %d id %s in the archive hashes to %s, not to its recorded hash %s: the archive's copy was changed", e.Seq, e.ID, got, e.Hash)
		}
		if e.Seq > head.Seq {
			return fmt.Errorf("audit event seq %d in the archive is past the chain head at export (seq %d)", e.Seq, head.Seq)
		}
		seqs = append(seqs, e.Seq)
	}
	if head.Seq > 0 {
		seqs = append(seqs, head.Seq)
	}
	stored, err := audit.EventsAt(ctx, db, seqs)
	if err != nil {
		return err
	}
	for _, r := range rows {
		e := r.Event()
		s, ok := stored[e.Seq]
		switch {
		case !ok:
			return fmt.Errorf("audit event seq %d id %s (%s) is in the archive but no longer in the database: it was deleted", e.Seq, e.ID, e.Action)
		case s.ID != e.ID || s.Hash != e.Hash || s.PrevHash != e.PrevHash || !bytes.Equal(audit.Canonical(s), audit.Canonical(e)):
			return fmt.Errorf("audit event seq %d id %s (%s) differs in the database from the archive's copy: the row was changed after export", e.Seq, e.ID, e.Action)
		}
	}
	if head.Seq > 0 {
		if s, ok := stored[head.Seq]; !ok || s.Hash != head.Hash {
			return fmt.Errorf("the chain head at export (seq %d hash %s) is not the stored row of that seq: the chain was rewritten after export", head.Seq, head.Hash)
		}
	}
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("the running audit chain does not verify, so the archive's events cannot be shown to be in it: %w", rep.Problem)
	}
	if rep.Head.Seq < head.Seq {
		return fmt.Errorf("the running chain ends at seq %d, before the head at export (seq %d): events were deleted", rep.Head.Seq, head.Seq)
	}
	return nil
}

// checkExported finds the audit event of the download that produced this archive. Its manifest
// is looked for first, to say which part changed; then the archive's own bytes, which also
// cover the zip's structure that no manifest entry does.
func checkExported(ctx context.Context, db *gorm.DB, procurementID, manifestSum, archiveSum string) error {
	events, err := audit.EventsOf(ctx, db, ExportAction, "procurement", procurementID)
	if err != nil {
		return err
	}
	manifestFound := false
	for _, e := range events {
		var s struct {
			Manifest string `json:"manifest_sha256"`
			Archive  string `json:"archive_sha256"`
		}
		if json.Unmarshal([]byte(e.Summary), &s) != nil || s.Manifest != manifestSum {
			continue
		}
		manifestFound = true
		if s.Archive == archiveSum {
			return nil
		}
	}
	if !manifestFound {
		return fmt.Errorf("no %s audit event of procurement %s holds this manifest's SHA-256 %s: the manifest was rewritten, or the archive was not exported from this golive", ExportAction, procurementID, manifestSum)
	}
	return fmt.Errorf("the archive's SHA-256 %s is not the one its export recorded in the audit trail, though every file matches the manifest: the zip's structure was changed after export", archiveSum)
}

// VerifyCommand is `golive record verify FILE`: it prints what was checked, or returns the first
// mismatch so that the command exits non-zero.
func VerifyCommand(ctx context.Context, db *gorm.DB, path string, w io.Writer) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read the record %s: %w", path, err)
	}
	v, err := Verify(ctx, db, body)
	if err != nil {
		return fmt.Errorf("record %s does not verify: %w", path, err)
	}
	_, err = fmt.Fprintf(w, "record verified: %s (%s)\n%d files match the manifest\n%d audit events match the running chain (head at export: seq %d hash %s)\n",
		v.Reference, v.ProcurementID, v.Files, v.Events, v.Head.Seq, v.Head.Hash)
	if err != nil {
		return fmt.Errorf("print record verification: %w", err)
	}
	return nil
}

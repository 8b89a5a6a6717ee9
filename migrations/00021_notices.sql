-- +goose Up
-- Public notices, each an OCDS release (package notices). A release is stored once, as the
-- JSON that was published, and never updated or deleted: a correction is a new release of the
-- same ocid, so what the public saw on a day can always be shown again.
CREATE TABLE ocds_releases (
    id             TEXT PRIMARY KEY,
    ocid           TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    procurement_id TEXT NOT NULL,
    lot_id         TEXT NOT NULL DEFAULT '',
    kind           TEXT NOT NULL,
    regime         TEXT NOT NULL,
    title          TEXT NOT NULL,
    buyer          TEXT NOT NULL,
    search_text    TEXT NOT NULL,
    published_at   TIMESTAMP NOT NULL,
    body           TEXT NOT NULL
);
CREATE UNIQUE INDEX ocds_releases_seq ON ocds_releases (seq);
CREATE INDEX ocds_releases_ocid ON ocds_releases (ocid, seq);
CREATE INDEX ocds_releases_kind ON ocds_releases (procurement_id, lot_id, kind, seq);

-- Whether the lead publishes the estimated and contract values in notices: off by default,
-- since values are commercially sensitive (Bedfordshire declined to give one).
ALTER TABLE procurements ADD COLUMN publish_value BOOLEAN NOT NULL DEFAULT FALSE;

-- The Procurement Act 2023 joins the regimes a procurement may run under. A CHECK constraint
-- cannot be changed in place on SQLite, so the column is renamed, a new one with the new CHECK
-- added and filled, and the old one (and its CHECK with it) dropped: portable SQL, the same on
-- PostgreSQL. The new column's default only lets ADD COLUMN fill existing rows; lots always
-- writes the regime.
ALTER TABLE procurements RENAME COLUMN regime TO regime_before_act;
ALTER TABLE procurements ADD COLUMN regime TEXT NOT NULL DEFAULT 'psr2024' CHECK (regime IN ('pcr2015', 'psr2024', 'pa2023'));
UPDATE procurements SET regime = regime_before_act;
ALTER TABLE procurements DROP COLUMN regime_before_act;

-- +goose Down
ALTER TABLE procurements RENAME COLUMN regime TO regime_with_act;
ALTER TABLE procurements ADD COLUMN regime TEXT NOT NULL DEFAULT 'psr2024' CHECK (regime IN ('pcr2015', 'psr2024'));
UPDATE procurements SET regime = regime_with_act;
ALTER TABLE procurements DROP COLUMN regime_with_act;
ALTER TABLE procurements DROP COLUMN publish_value;
DROP TABLE ocds_releases;

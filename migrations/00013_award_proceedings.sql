-- +goose Up
-- Court proceedings against a lot's award decision (PCR 2015 reg. 95, automatic suspension):
-- once the authority is told that a claim form has been issued, it must not enter into the
-- contract until the court lifts the suspension or the proceedings are determined, discontinued
-- or otherwise disposed of. Only under the PCR: the PSR has no automatic suspension. ended_on and
-- ended_how are both null while the suspension runs, and both set once it has ended.
CREATE TABLE court_proceedings (
    id                 TEXT PRIMARY KEY,
    recommendation_id  TEXT NOT NULL REFERENCES award_recommendations (id) ON DELETE CASCADE,
    lot_id             TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    procurement_id     TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    claimant_org_id    TEXT NOT NULL REFERENCES organisations (id),
    court              TEXT NOT NULL,
    claim_reference    TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    notified_on        TIMESTAMP NOT NULL,
    recorded_by        TEXT NOT NULL,
    recorded_at        TIMESTAMP NOT NULL,
    ended_on           TIMESTAMP,
    ended_how          TEXT CHECK (ended_how IN ('lifted', 'determined', 'discontinued', 'settled')),
    end_note           TEXT NOT NULL DEFAULT '',
    ended_by           TEXT NOT NULL DEFAULT '',
    end_recorded_at    TIMESTAMP,
    CHECK ((ended_on IS NULL) = (ended_how IS NULL))
);
CREATE INDEX court_proceedings_recommendation ON court_proceedings (recommendation_id, notified_on);

-- +goose Down
DROP TABLE court_proceedings;

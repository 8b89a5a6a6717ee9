-- +goose Up
-- The award of a lot (issue 5, DOMAIN.md step 8): the price opening after quality moderation,
-- the preferred-bidder recommendation and each participating governing body's decision on it
-- (Part 2), the standstill, representations made during it, and the contract award.

-- The price envelopes of a lot were opened: only after quality moderation is complete. The
-- prices themselves stay sealed in submissions and are opened on each read.
CREATE TABLE price_openings (
    lot_id          TEXT PRIMARY KEY REFERENCES lots (id) ON DELETE CASCADE,
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    opened_by       TEXT NOT NULL,
    opened_at       TIMESTAMP NOT NULL
);

-- The lead's recommendation of a preferred bidder. A rejected or withdrawn one is kept; at most
-- one other per lot is live. award_not_before is the later of the standstill end and any wait
-- after a decision on a representation.
CREATE TABLE award_recommendations (
    id                     TEXT PRIMARY KEY,
    lot_id                 TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    procurement_id         TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    bidder_org_id          TEXT NOT NULL REFERENCES organisations (id),
    reason                 TEXT NOT NULL,
    regime                 TEXT NOT NULL,
    state                  TEXT NOT NULL CHECK (state IN ('pending', 'rejected', 'standstill', 'paused', 'withdrawn', 'awarded')),
    recommended_by         TEXT NOT NULL,
    recommended_at         TIMESTAMP NOT NULL,
    standstill_started_at  TIMESTAMP,
    standstill_ends_at     TIMESTAMP,
    award_not_before       TIMESTAMP
);
CREATE UNIQUE INDEX award_recommendations_live ON award_recommendations (lot_id) WHERE state NOT IN ('rejected', 'withdrawn');

-- Each participating commissioner's governing-body decision on a recommendation (Part 2).
CREATE TABLE award_approvals (
    recommendation_id  TEXT NOT NULL REFERENCES award_recommendations (id) ON DELETE CASCADE,
    org_id             TEXT NOT NULL REFERENCES organisations (id),
    decision           TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason             TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL,
    decided_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (recommendation_id, org_id)
);

-- A bidder's representation (challenge) made during standstill, and the lead's decision on it.
CREATE TABLE representations (
    id                 TEXT PRIMARY KEY,
    recommendation_id  TEXT NOT NULL REFERENCES award_recommendations (id) ON DELETE CASCADE,
    bidder_org_id      TEXT NOT NULL REFERENCES organisations (id),
    text               TEXT NOT NULL,
    made_by            TEXT NOT NULL,
    made_at            TIMESTAMP NOT NULL,
    decision           TEXT CHECK (decision IN ('upheld', 'rejected')),
    decision_reason    TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL DEFAULT '',
    decided_at         TIMESTAMP
);
CREATE INDEX representations_recommendation ON representations (recommendation_id, made_at);

-- The contract awarded after standstill: what mobilisation starts from.
CREATE TABLE contract_awards (
    lot_id              TEXT PRIMARY KEY REFERENCES lots (id) ON DELETE CASCADE,
    recommendation_id   TEXT NOT NULL REFERENCES award_recommendations (id),
    procurement_id      TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    provider_org_id     TEXT NOT NULL REFERENCES organisations (id),
    contract_reference  TEXT NOT NULL,
    start_date          TIMESTAMP NOT NULL,
    term_years          INTEGER NOT NULL,
    value_pence         BIGINT NOT NULL,
    awarded_by          TEXT NOT NULL,
    awarded_at          TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE contract_awards;
DROP TABLE representations;
DROP TABLE award_approvals;
DROP TABLE award_recommendations;
DROP TABLE price_openings;

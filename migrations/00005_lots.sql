-- +goose Up
CREATE TABLE procurements (
    id                      TEXT PRIMARY KEY,
    lead_org_id             TEXT NOT NULL REFERENCES organisations (id),
    title                   TEXT NOT NULL,
    reference               TEXT NOT NULL,
    regime                  TEXT NOT NULL CHECK (regime IN ('pcr2015', 'psr2024')),
    procedure               TEXT NOT NULL,
    description             TEXT NOT NULL DEFAULT '',
    term_years              INTEGER NOT NULL,
    extension_years         INTEGER NOT NULL DEFAULT 0,
    estimated_value_pence   BIGINT NOT NULL DEFAULT 0,
    state                   TEXT NOT NULL,
    clarification_deadline  TIMESTAMP NOT NULL,
    submission_deadline     TIMESTAMP NOT NULL,
    evaluation_start        TIMESTAMP NOT NULL,
    award_date              TIMESTAMP NOT NULL,
    contract_start          TIMESTAMP NOT NULL,
    wrapped_key             BYTEA NOT NULL,
    created_by              TEXT NOT NULL,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    published_at            TIMESTAMP
);
CREATE UNIQUE INDEX procurements_reference ON procurements (lead_org_id, reference);
CREATE INDEX procurements_state ON procurements (state);

CREATE TABLE participants (
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (procurement_id, org_id)
);
CREATE INDEX participants_org ON participants (org_id);

CREATE TABLE lots (
    id              TEXT PRIMARY KEY,
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    title           TEXT NOT NULL,
    service_types   TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX lots_number ON lots (procurement_id, number);

CREATE TABLE lot_participants (
    lot_id  TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (lot_id, org_id)
);

CREATE TABLE sites (
    id       TEXT PRIMARY KEY,
    lot_id   TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    name     TEXT NOT NULL,
    address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sites_lot ON sites (lot_id);

CREATE TABLE phases (
    id       TEXT PRIMARY KEY,
    lot_id   TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    service  TEXT NOT NULL,
    site_id  TEXT NOT NULL DEFAULT '',
    go_live  TIMESTAMP NOT NULL
);
CREATE INDEX phases_lot ON phases (lot_id);

CREATE TABLE sections (
    id        TEXT PRIMARY KEY,
    lot_id    TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    title     TEXT NOT NULL
);
CREATE INDEX sections_lot ON sections (lot_id);

CREATE TABLE questions (
    id          TEXT PRIMARY KEY,
    lot_id      TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    section_id  TEXT NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    number      TEXT NOT NULL,
    text        TEXT NOT NULL,
    guidance    TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('scored', 'pass_fail', 'price')),
    weight_bp   INTEGER NOT NULL DEFAULT 0,
    max_score   INTEGER NOT NULL DEFAULT 0,
    min_score   INTEGER NOT NULL DEFAULT 0,
    word_limit  INTEGER NOT NULL DEFAULT 0,
    panel       TEXT NOT NULL CHECK (panel IN ('clinical', 'patient', 'finance'))
);
CREATE INDEX questions_lot ON questions (lot_id);

CREATE TABLE approvals (
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    decision        TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    meeting_date    TIMESTAMP NOT NULL,
    minute_ref      TEXT NOT NULL,
    part2           BOOLEAN NOT NULL DEFAULT FALSE,
    reason          TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL REFERENCES users (id),
    decided_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (procurement_id, org_id)
);

CREATE TABLE documents (
    id              TEXT PRIMARY KEY,
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    content         BYTEA NOT NULL,
    addendum_id     TEXT NOT NULL DEFAULT '',
    uploaded_by     TEXT NOT NULL,
    uploaded_at     TIMESTAMP NOT NULL
);
CREATE INDEX documents_procurement ON documents (procurement_id);

CREATE TABLE interests (
    procurement_id   TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    provider_org_id  TEXT NOT NULL REFERENCES organisations (id),
    registered_by    TEXT NOT NULL,
    registered_at    TIMESTAMP NOT NULL,
    contact_email    TEXT NOT NULL,
    PRIMARY KEY (procurement_id, provider_org_id)
);
CREATE INDEX interests_provider ON interests (provider_org_id);

CREATE TABLE clarifications (
    id              TEXT PRIMARY KEY,
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    asker_org_id    TEXT NOT NULL REFERENCES organisations (id),
    asked_by        TEXT NOT NULL,
    question        TEXT NOT NULL,
    asked_at        TIMESTAMP NOT NULL,
    answer          TEXT NOT NULL DEFAULT '',
    answered_by     TEXT NOT NULL DEFAULT '',
    published_at    TIMESTAMP
);
CREATE UNIQUE INDEX clarifications_number ON clarifications (procurement_id, number);

CREATE TABLE addenda (
    id                       TEXT PRIMARY KEY,
    procurement_id           TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    number                   INTEGER NOT NULL,
    title                    TEXT NOT NULL,
    body                     TEXT NOT NULL,
    changes_responses        BOOLEAN NOT NULL DEFAULT FALSE,
    new_submission_deadline  TIMESTAMP,
    published_by             TEXT NOT NULL,
    published_at             TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX addenda_number ON addenda (procurement_id, number);

CREATE TABLE submissions (
    id               TEXT PRIMARY KEY,
    procurement_id   TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    lot_id           TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    bidder_org_id    TEXT NOT NULL REFERENCES organisations (id),
    version          INTEGER NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'withdrawn')),
    partners         TEXT NOT NULL DEFAULT '',
    answers_sealed   BYTEA NOT NULL,
    price_sealed     BYTEA NOT NULL,
    content_sha256   TEXT NOT NULL,
    needs_reconfirm  BOOLEAN NOT NULL DEFAULT FALSE,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    submitted_by     TEXT NOT NULL DEFAULT '',
    submitted_at     TIMESTAMP
);
CREATE UNIQUE INDEX submissions_version ON submissions (lot_id, bidder_org_id, version);
CREATE INDEX submissions_procurement ON submissions (procurement_id, state);

CREATE TABLE openings (
    procurement_id  TEXT PRIMARY KEY REFERENCES procurements (id) ON DELETE CASCADE,
    started_by      TEXT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    confirmed_by    TEXT NOT NULL DEFAULT '',
    confirmed_at    TIMESTAMP
);

-- +goose Down
DROP TABLE openings;
DROP TABLE submissions;
DROP TABLE addenda;
DROP TABLE clarifications;
DROP TABLE interests;
DROP TABLE documents;
DROP TABLE approvals;
DROP TABLE questions;
DROP TABLE sections;
DROP TABLE phases;
DROP TABLE sites;
DROP TABLE lot_participants;
DROP TABLE lots;
DROP TABLE participants;
DROP TABLE procurements;

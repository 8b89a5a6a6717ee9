-- +goose Up
-- The quality evaluation of a lot (issue 5): its panel, each evaluator's questions, their
-- declarations of interest per bidder, their independent scores, and the moderated consensus.

-- An evaluator on a lot's panel: a commissioner's evaluator or an invited Healthwatch one.
-- submitted_at locks their scores.
CREATE TABLE panel_members (
    lot_id          TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users (id),
    procurement_id  TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    healthwatch     BOOLEAN NOT NULL DEFAULT FALSE,
    added_by        TEXT NOT NULL,
    added_at        TIMESTAMP NOT NULL,
    submitted_at    TIMESTAMP,
    PRIMARY KEY (lot_id, user_id)
);
CREATE INDEX panel_members_org ON panel_members (org_id, user_id);

-- The questions an evaluator scores.
CREATE TABLE panel_assignments (
    lot_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    question_id  TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    PRIMARY KEY (lot_id, user_id, question_id),
    FOREIGN KEY (lot_id, user_id) REFERENCES panel_members (lot_id, user_id) ON DELETE CASCADE
);

-- One declaration per evaluator and bidder, before any response is read.
CREATE TABLE declarations (
    lot_id         TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    bidder_org_id  TEXT NOT NULL REFERENCES organisations (id),
    decision       TEXT NOT NULL CHECK (decision IN ('none', 'conflict')),
    reason         TEXT NOT NULL DEFAULT '',
    declared_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (lot_id, user_id, bidder_org_id),
    FOREIGN KEY (lot_id, user_id) REFERENCES panel_members (lot_id, user_id) ON DELETE CASCADE
);

-- An evaluator's own score of one question for one bidder: a score on a scored question, a
-- pass or fail on a pass/fail one.
CREATE TABLE scores (
    lot_id         TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    question_id    TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    bidder_org_id  TEXT NOT NULL REFERENCES organisations (id),
    score          INTEGER,
    passed         BOOLEAN,
    rationale      TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (lot_id, user_id, question_id, bidder_org_id),
    FOREIGN KEY (lot_id, user_id) REFERENCES panel_members (lot_id, user_id) ON DELETE CASCADE
);

-- Moderation of a question, started once every evaluator awaited has submitted.
CREATE TABLE moderations (
    lot_id       TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    question_id  TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    started_by   TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (lot_id, question_id)
);

-- The moderated consensus per question and bidder.
CREATE TABLE consensus_scores (
    lot_id         TEXT NOT NULL REFERENCES lots (id) ON DELETE CASCADE,
    question_id    TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    bidder_org_id  TEXT NOT NULL REFERENCES organisations (id),
    score          INTEGER,
    passed         BOOLEAN,
    rationale      TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (lot_id, question_id, bidder_org_id)
);

-- A lot's evaluation milestones: quality moderation complete lets the price envelope open.
CREATE TABLE lot_evaluations (
    lot_id                 TEXT PRIMARY KEY REFERENCES lots (id) ON DELETE CASCADE,
    procurement_id         TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    quality_moderated_at   TIMESTAMP,
    quality_moderated_by   TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE lot_evaluations;
DROP TABLE consensus_scores;
DROP TABLE moderations;
DROP TABLE scores;
DROP TABLE declarations;
DROP TABLE panel_assignments;
DROP TABLE panel_members;

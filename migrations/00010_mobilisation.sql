-- +goose Up
-- Mobilisation to go-live (issue 6, DOMAIN.md step 9): a plan per contract award, a phase per
-- go-live with its readiness (go/no-go) gate, milestones with dependencies, progress notes and
-- evidence, and the reminders sent about them — each at most once and never lost.
-- Dates a person picks (a milestone's due day) are calendar days in UK time, kept as
-- 'YYYY-MM-DD' text so that no time zone can move them; instants are TIMESTAMP in UTC.

-- A template of milestones, by workstream, due relative to a phase's go-live. org_id '' is the
-- platform's default; a commissioner may copy and edit its own.
CREATE TABLE mobilisation_templates (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX mobilisation_templates_org ON mobilisation_templates (org_id);

CREATE TABLE template_milestones (
    id           TEXT PRIMARY KEY,
    template_id  TEXT NOT NULL REFERENCES mobilisation_templates (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    title        TEXT NOT NULL,
    workstream   TEXT NOT NULL,
    owner_side   TEXT NOT NULL CHECK (owner_side IN ('commissioner', 'provider')),
    offset_days  INTEGER NOT NULL,
    critical     BOOLEAN NOT NULL DEFAULT FALSE,
    depends_on   TEXT NOT NULL DEFAULT '',
    position     INTEGER NOT NULL DEFAULT 0,
    UNIQUE (template_id, key)
);

-- The plan of one awarded contract (one lot).
CREATE TABLE mobilisation_plans (
    id                   TEXT PRIMARY KEY,
    lot_id               TEXT NOT NULL UNIQUE REFERENCES lots (id) ON DELETE CASCADE,
    procurement_id       TEXT NOT NULL REFERENCES procurements (id) ON DELETE CASCADE,
    lead_org_id          TEXT NOT NULL REFERENCES organisations (id),
    provider_org_id      TEXT NOT NULL REFERENCES organisations (id),
    contract_reference   TEXT NOT NULL,
    template_id          TEXT NOT NULL DEFAULT '',
    lead_user_id         TEXT NOT NULL,
    reminder_offsets     TEXT NOT NULL DEFAULT '14,7,1',
    escalate_after_days  INTEGER NOT NULL DEFAULT 3,
    created_by           TEXT NOT NULL,
    created_at           TIMESTAMP NOT NULL
);
CREATE INDEX mobilisation_plans_provider ON mobilisation_plans (provider_org_id);
CREATE INDEX mobilisation_plans_procurement ON mobilisation_plans (procurement_id);

-- A go-live of the plan: one or more of the lot's phases that go live together.
CREATE TABLE plan_phases (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES mobilisation_plans (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    go_live    TIMESTAMP NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    state      TEXT NOT NULL DEFAULT 'mobilising' CHECK (state IN ('mobilising', 'live')),
    live_at    TIMESTAMP,
    live_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_phases_plan ON plan_phases (plan_id, position);

-- Which of the lot's phases (sites and services) a plan phase covers.
CREATE TABLE plan_phase_lot_phases (
    plan_phase_id  TEXT NOT NULL REFERENCES plan_phases (id) ON DELETE CASCADE,
    lot_phase_id   TEXT NOT NULL REFERENCES phases (id) ON DELETE CASCADE,
    PRIMARY KEY (plan_phase_id, lot_phase_id)
);

-- A milestone. status is the provider's report; done needs the commissioner's acceptance of the
-- evidence (accepted_at), asked for with completion_requested_at.
CREATE TABLE milestones (
    id                       TEXT PRIMARY KEY,
    plan_id                  TEXT NOT NULL REFERENCES mobilisation_plans (id) ON DELETE CASCADE,
    phase_id                 TEXT NOT NULL REFERENCES plan_phases (id) ON DELETE CASCADE,
    template_key             TEXT NOT NULL DEFAULT '',
    title                    TEXT NOT NULL,
    workstream               TEXT NOT NULL,
    owner_side               TEXT NOT NULL CHECK (owner_side IN ('commissioner', 'provider')),
    owner_user_id            TEXT NOT NULL DEFAULT '',
    due_on                   TEXT NOT NULL,
    status                   TEXT NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done', 'blocked')),
    critical                 BOOLEAN NOT NULL DEFAULT FALSE,
    completion_requested_at  TIMESTAMP,
    completion_requested_by  TEXT NOT NULL DEFAULT '',
    accepted_at              TIMESTAMP,
    accepted_by              TEXT NOT NULL DEFAULT '',
    completed_on             TEXT NOT NULL DEFAULT '',
    position                 INTEGER NOT NULL DEFAULT 0,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL
);
CREATE INDEX milestones_plan ON milestones (plan_id, phase_id, position);
CREATE INDEX milestones_owner ON milestones (owner_user_id, status);
-- The reminder scan reads only open milestones by due day.
CREATE INDEX milestones_open_due ON milestones (due_on) WHERE status <> 'done';

CREATE TABLE milestone_dependencies (
    milestone_id   TEXT NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    depends_on_id  TEXT NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    PRIMARY KEY (milestone_id, depends_on_id)
);
CREATE INDEX milestone_dependencies_on ON milestone_dependencies (depends_on_id);

-- Progress notes: the provider's updates and the commissioner's replies, with any status change.
CREATE TABLE milestone_notes (
    id            TEXT PRIMARY KEY,
    milestone_id  TEXT NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    author_id     TEXT NOT NULL,
    author_org_id TEXT NOT NULL,
    text          TEXT NOT NULL,
    status_from   TEXT NOT NULL DEFAULT '',
    status_to     TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX milestone_notes_milestone ON milestone_notes (milestone_id, created_at);

-- Evidence attached to a milestone (a file, kept with its hash), and the commissioner's view of it.
CREATE TABLE milestone_evidence (
    id            TEXT PRIMARY KEY,
    milestone_id  TEXT NOT NULL REFERENCES milestones (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    data          BYTEA NOT NULL,
    uploaded_by   TEXT NOT NULL,
    uploaded_at   TIMESTAMP NOT NULL
);
CREATE INDEX milestone_evidence_milestone ON milestone_evidence (milestone_id, uploaded_at);

-- Each participating commissioner's approver signs the readiness (go/no-go) of a phase.
CREATE TABLE go_live_decisions (
    phase_id    TEXT NOT NULL REFERENCES plan_phases (id) ON DELETE CASCADE,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    decision    TEXT NOT NULL CHECK (decision IN ('go', 'no_go')),
    reason      TEXT NOT NULL DEFAULT '',
    decided_by  TEXT NOT NULL,
    decided_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (phase_id, org_id)
);

-- A reminder: one row per (milestone, kind, offset, recipient), named by key, which is unique,
-- so no scan or retry can make a second. Rows before a due day are written when the milestone's
-- due day is set; overdue, escalation and digest rows are written by the scan when they fall
-- due. A worker claims a row (state scheduled -> sending, conditional) before it writes the mail
-- and the in-app message, and marks it sent in the same transaction; cancelled rows are skipped.
CREATE TABLE reminders (
    id             TEXT PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    milestone_id   TEXT REFERENCES milestones (id) ON DELETE CASCADE,
    plan_id        TEXT REFERENCES mobilisation_plans (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('due', 'overdue', 'escalation', 'digest')),
    send_at        TIMESTAMP NOT NULL,
    state          TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'sending', 'sent', 'cancelled')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    claimed_at     TIMESTAMP,
    sent_at        TIMESTAMP,
    mail_id        TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX reminders_due ON reminders (send_at) WHERE state IN ('scheduled', 'sending');
CREATE INDEX reminders_milestone ON reminders (milestone_id, state);

-- The in-app inbox: what reminders said, per person.
CREATE TABLE inbox_messages (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    reminder_id  TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    link         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    read_at      TIMESTAMP
);
CREATE INDEX inbox_messages_user ON inbox_messages (user_id, created_at);

-- What a person chose: only the weekly digest can be turned off (never escalations).
CREATE TABLE reminder_preferences (
    user_id         TEXT PRIMARY KEY,
    digest_enabled  BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at      TIMESTAMP NOT NULL
);

-- Private iCalendar feed URLs: only the token's SHA-256 is kept.
CREATE TABLE calendar_feeds (
    token_sha256  TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL,
    plan_id       TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE reminder_preferences;
DROP TABLE inbox_messages;
DROP TABLE reminders;
DROP TABLE go_live_decisions;
DROP TABLE milestone_evidence;
DROP TABLE milestone_notes;
DROP TABLE milestone_dependencies;
DROP TABLE milestones;
DROP TABLE plan_phase_lot_phases;
DROP TABLE plan_phases;
DROP TABLE mobilisation_plans;
DROP TABLE template_milestones;
DROP TABLE mobilisation_templates;

-- +goose Up
-- The audit trail: one hash chain across every tenant, so a single head row proves nothing was
-- deleted or rewritten. No foreign keys to users or organisations: the record of what a person
-- did must outlive their account (and an FK would let a cascade delete evidence).
CREATE TABLE audit_events (
    id             TEXT PRIMARY KEY,
    seq            BIGINT NOT NULL UNIQUE,
    at             TIMESTAMP NOT NULL,
    tenant_id      TEXT NOT NULL DEFAULT '',
    actor_user_id  TEXT NOT NULL DEFAULT '',
    actor_org_id   TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL,
    object_type    TEXT NOT NULL DEFAULT '',
    object_id      TEXT NOT NULL DEFAULT '',
    summary        TEXT NOT NULL DEFAULT '{}',
    prev_hash      TEXT NOT NULL DEFAULT '',
    hash           TEXT NOT NULL
);
CREATE INDEX audit_events_tenant_at ON audit_events (tenant_id, at);
CREATE INDEX audit_events_tenant_object ON audit_events (tenant_id, object_type, object_id);
CREATE INDEX audit_events_tenant_actor ON audit_events (tenant_id, actor_user_id);

-- The head is the chain's lock and its tip: appenders serialise on UPDATE of this one row, and
-- verification compares the last event against it to detect a deleted tail.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;

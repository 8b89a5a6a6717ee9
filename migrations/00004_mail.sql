-- +goose Up
-- The mail outbox: a message is written in the same transaction as the change that caused it,
-- and the "mail:send" job delivers it after commit. The row, not the Redis task, is the record
-- of what must be sent, so a task lost with Redis is found again by the sweep.
-- No foreign key to organisations: platform mail (tenant_id '') has no tenant, and the record of
-- what was sent must outlive the organisation.
CREATE TABLE mail_messages (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL DEFAULT '',
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    claimed_at  TIMESTAMP,
    sent_at     TIMESTAMP,
    last_error  TEXT NOT NULL DEFAULT '',
    transport   TEXT NOT NULL DEFAULT '' CHECK (transport IN ('', 'smtp', 'outbox'))
);
-- The sweep looks for old pending and stale sending rows; the outbox page lists newest first.
CREATE INDEX mail_messages_status_created ON mail_messages (status, created_at);
CREATE INDEX mail_messages_created ON mail_messages (created_at);

-- +goose Down
DROP TABLE mail_messages;

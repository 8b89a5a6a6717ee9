-- +goose Up
-- How many times a message was sent again after a worker died holding it mid-send. SMTP has no
-- idempotent delivery: such a worker may have died before the server took the message, or after
-- it did and before 'sent' was written, and nothing on this side can tell which. The message is
-- sent again with the same Message-ID (never lost), and this count records that it may have
-- arrived twice, so that every duplicate at the server can be accounted for.
ALTER TABLE mail_messages ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE mail_messages DROP COLUMN in_doubt;

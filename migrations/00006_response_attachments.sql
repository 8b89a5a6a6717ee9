-- +goose Up
-- Files a bidder attaches to a response. Sealed like the answers: the content is AES-256-GCM
-- under the procurement's key; name, type, size and SHA-256 are kept in clear for the receipt.
CREATE TABLE response_attachments (
    id              TEXT PRIMARY KEY,
    submission_id   TEXT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    bidder_org_id   TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    content_sealed  BYTEA NOT NULL,
    uploaded_by     TEXT NOT NULL,
    uploaded_at     TIMESTAMP NOT NULL
);
CREATE INDEX response_attachments_submission ON response_attachments (submission_id);

-- +goose Down
DROP TABLE response_attachments;

-- +goose Up
-- The key id (lots.KeyID: a fingerprint of the secret, never the secret) of the secret each
-- procurement's data key is wrapped under. During a key rotation the service picks the secret by
-- it, and `golive keys rotate` skips what is already under the new secret, so a rotation killed
-- half-way resumes. Keys wrapped before this migration have '' and are tried under each secret
-- until a rotation labels them.
ALTER TABLE procurements ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE INDEX procurements_key_id ON procurements (key_id);

-- +goose Down
DROP INDEX procurements_key_id;
ALTER TABLE procurements DROP COLUMN key_id;

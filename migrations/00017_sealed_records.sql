-- +goose Up
-- Sealed means sealed everywhere: what a bidder does on a procurement (registering, asking,
-- saving, submitting, attaching, withdrawing) is recorded in the lead commissioner's audit
-- trail, and queued mail tells bidders their receipts. Until the bids are opened, neither may
-- show who is bidding, nor when, to the commissioners or the platform operator.
--
-- sealed_under names the procurement an event or a message is sealed under ('' when it is not
-- sealed). It is set at insert time and lies outside the audit hash (audit/chain.go lists what
-- the hash covers), so `golive audit verify` is unchanged. An audit event's seal is lifted not by
-- editing the event but by a row in audit_unsealed, written in the opening's transaction: the
-- record of what was sealed, and when it was opened, stays.
ALTER TABLE audit_events ADD COLUMN sealed_under TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_events_sealed_under ON audit_events (sealed_under);
CREATE INDEX audit_events_actor_org ON audit_events (actor_org_id, sealed_under);

CREATE TABLE audit_unsealed (
    procurement_id  TEXT PRIMARY KEY,
    unsealed_at     TIMESTAMP NOT NULL
);

-- A sealed message is left out of the platform's outbox until its procurement is opened; the
-- opening clears the mark.
ALTER TABLE mail_messages ADD COLUMN sealed_under TEXT NOT NULL DEFAULT '';
CREATE INDEX mail_messages_sealed_under ON mail_messages (sealed_under);

-- Events written before this migration: a bidder's events on a submission are sealed under its
-- procurement, and the procurements already opened have their seal lifted.
UPDATE audit_events SET sealed_under = COALESCE(
    (SELECT s.procurement_id FROM submissions s WHERE s.id = audit_events.object_id), '')
WHERE object_type = 'submission' AND action LIKE 'submission.%';
INSERT INTO audit_unsealed (procurement_id, unsealed_at)
SELECT procurement_id, confirmed_at FROM openings WHERE confirmed_at IS NOT NULL;

-- +goose Down
DROP INDEX mail_messages_sealed_under;
ALTER TABLE mail_messages DROP COLUMN sealed_under;
DROP TABLE audit_unsealed;
DROP INDEX audit_events_actor_org;
DROP INDEX audit_events_sealed_under;
ALTER TABLE audit_events DROP COLUMN sealed_under;

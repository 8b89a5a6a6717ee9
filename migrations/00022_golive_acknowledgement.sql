-- +goose Up
-- A go signed while critical milestones of the phase are still open is acknowledged: how many
-- were open when it was signed and the approver's reason for going ahead (issue 14). 0 and ''
-- for a no-go, a go with nothing open, and every decision signed before this was asked.
ALTER TABLE go_live_decisions ADD COLUMN open_critical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE go_live_decisions ADD COLUMN acknowledgement TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE go_live_decisions DROP COLUMN acknowledgement;
ALTER TABLE go_live_decisions DROP COLUMN open_critical;

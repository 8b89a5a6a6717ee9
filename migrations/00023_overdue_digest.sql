-- +goose Up
-- Overdue reminders become one a day per person, listing their overdue milestones when sent
-- (issue 14: a lead had 133 unread messages, 72 about one milestone). Their key is now
-- 'overdue:<day>:<person>' and they name no milestone. The per-milestone ones still waiting
-- would each send a message of their own on top of the day's one: they are cancelled, as a
-- reminder that no longer applies is (what was sent stays as it was).
UPDATE reminders SET state = 'cancelled'
WHERE kind = 'overdue' AND milestone_id IS NOT NULL AND state IN ('scheduled', 'sending');

-- +goose Down
-- Nothing to undo: a cancelled reminder of a past day would not be sent again, and today's
-- overdue message, if not yet sent, says the same.

-- +goose Up
-- Moderation reads one question's marks of a lot, bidder by bidder (evaluation's
-- ModerationMarks, reloaded question after question in a moderation meeting). The primary key
-- leads with (lot_id, user_id), so without this every read went through all the lot's marks:
-- 2,880 rows for issue 5's matrix (8 bidders x 60 questions x 6 evaluators) to find 48, and it
-- was the costliest statement of the moderation request by five times (issue 17).
CREATE INDEX scores_by_question ON scores (lot_id, question_id, bidder_org_id, user_id);

-- +goose Down
DROP INDEX scores_by_question;

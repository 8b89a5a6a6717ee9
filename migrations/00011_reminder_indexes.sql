-- +goose Up
-- Indexes the reminder scan needs at scale (issue 6; EXPLAIN in mobilisation's
-- BenchmarkReminderScanMillionMilestones). On Mondays every scan asks whether the week's
-- digests are written yet: without this it reads the whole reminders table, which grows by
-- every reminder ever sent; with it, the few digest rows of that Monday's 08:00.
CREATE INDEX reminders_digest ON reminders (send_at) WHERE kind = 'digest';

-- +goose Down
DROP INDEX reminders_digest;

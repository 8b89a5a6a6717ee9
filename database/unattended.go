package database

import "context"

type unattendedKey struct{}

// Unattended marks ctx as the process's own work (a queued job, a watch loop) rather than a
// request's: what runs in it is told apart from what a request runs, by the test that counts a
// request's statements (a job that wakes in the middle of a counted request on a busy machine
// is not that request's work).
func Unattended(ctx context.Context, what string) context.Context {
	return context.WithValue(ctx, unattendedKey{}, what)
}

// UnattendedFrom says what unattended work ctx is for, if it is.
func UnattendedFrom(ctx context.Context) (string, bool) {
	what, ok := ctx.Value(unattendedKey{}).(string)
	return what, ok
}

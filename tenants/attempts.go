package tenants

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// AttemptLimits are the sign-in and password-reset limits, counted in Redis so that every serve
// process shares them. Successful sign-ins never count: only failures lock anything, so a
// network of NHS staff behind one address can sign in all morning.
type AttemptLimits struct {
	// Window is how long a count lives after its first failure, and how long a lock lasts from
	// the failure that reached the limit.
	Window time.Duration
	// AccountFailures is the number of failed sign-ins that locks an account (whatever the address).
	AccountFailures int
	// AddressFailures is the number of failed sign-ins that locks an address (an IPv4 address or
	// an IPv6 /64) for every account, and also the number of password reset requests it may make
	// in a window (counted apart).
	AddressFailures int
}

// withDefaults fills what is unset: AttemptWindow, MaxAccountFailures, DefaultAddressFailures.
func (l AttemptLimits) withDefaults() AttemptLimits {
	if l.Window <= 0 {
		l.Window = AttemptWindow
	}
	if l.AccountFailures <= 0 {
		l.AccountFailures = MaxAccountFailures
	}
	if l.AddressFailures <= 0 {
		l.AddressFailures = DefaultAddressFailures
	}
	return l
}

// countScript adds one to a counter and gives it its expiry in the same step: Redis runs a
// script atomically, so no process can die between the two and leave a counter that never
// expires (INCR then EXPIRE as two commands could). The expiry is set on the first count, again
// when the count reaches the limit (so a lock lasts a whole window from the failure that caused
// it, as the message says), and on any counter found without one. A fixed window suits a lock
// ("5 failures: locked for 15 minutes") better than a rolling rate limiter such as redis_rate's
// GCRA, which would let one attempt through every 3 minutes, and reads Redis's TIME, which
// miniredis's FastForward does not move.
var countScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 or n == tonumber(ARGV[2]) or redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`)

// readScript reads a counter, giving it an expiry if it has none: a counter left without one by
// an older golive (which used two commands) would otherwise lock its account for ever.
var readScript = redis.NewScript(`
local n = redis.call('GET', KEYS[1])
if n and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n
`)

func accountKey(email string) string   { return "golive:signin:fail:" + HashToken(email)[:32] }
func addressKey(ip string) string      { return "golive:signin:ip:" + NetworkOf(ip) }
func resetAddressKey(ip string) string { return "golive:reset:ip:" + NetworkOf(ip) }

// attempts reads a counter (0 when there is none).
func attempts(ctx context.Context, rdb redis.Scripter, key string, window time.Duration) (int, error) {
	v, err := readScript.Run(ctx, rdb, []string{key}, window.Milliseconds()).Text()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", key, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("read %s: not a count: %q", key, v)
	}
	return n, nil
}

// count adds one to a counter and returns the new count.
func count(ctx context.Context, rdb redis.Scripter, key string, window time.Duration, limit int) (int, error) {
	n, err := countScript.Run(ctx, rdb, []string{key}, window.Milliseconds(), limit).Int()
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", key, err)
	}
	return n, nil
}

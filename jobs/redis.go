package jobs

import (
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
)

// StartEmbeddedRedis runs an in-process Redis (miniredis) on 127.0.0.1 and a random port, for the
// single-binary setup without GOLIVE_REDIS_URL. Its data lives in memory only: queued tasks are
// lost on restart, which is why mail is kept in the database and swept back into the queue.
func StartEmbeddedRedis() (redisURL string, stop func(), err error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return "", nil, fmt.Errorf("start embedded redis: %w", err)
	}
	// miniredis moves TTLs only when told to; asynq relies on them (server heartbeats, unique
	// locks), so let them follow the wall clock.
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				m.FastForward(now.Sub(last))
				last = now
			}
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			m.Close()
		})
	}
	return "redis://" + m.Addr() + "/0", stop, nil
}

// RedisOpt reads a Redis URL as asynq does, for tools that talk to asynq's queues directly (the
// job monitor). The error names the URL without its password.
func RedisOpt(redisURL string) (asynq.RedisConnOpt, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL %s: %w", redactURL(redisURL), err)
	}
	return opt, nil
}

package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Task types of this package.
const (
	TypeMailSend  = "mail:send"
	TypeMailBatch = "mail:send-batch"
	TypeMailSweep = "mail:sweep"
)

// mailMaxRetry is how many times a message is retried (asynq's exponential backoff spreads ten
// retries over about a day and a half) before it is marked failed.
const mailMaxRetry = 10

// Client enqueues tasks. It is safe for concurrent use; one per process.
type Client struct {
	rdb redis.UniversalClient
	aq  *asynq.Client
}

// NewClient connects to Redis at redisURL (redis://[:password@]host:port/db or rediss://).
func NewClient(redisURL string) (*Client, error) {
	rdb, err := redisClient(redisURL)
	if err != nil {
		return nil, err
	}
	return &Client{rdb: rdb, aq: asynq.NewClientFromRedisClient(rdb)}, nil
}

// redisClient opens the go-redis client asynq would, so the client, the worker and /readyz share
// one way of reading the URL.
func redisClient(redisURL string) (redis.UniversalClient, error) {
	opt, err := asynq.ParseRedisURI(redisURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL %s: %w", redactURL(redisURL), err)
	}
	rdb, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("redis URL %s: unsupported connection type %T", redactURL(redisURL), opt)
	}
	return rdb, nil
}

// Close closes the connection pool.
func (c *Client) Close() error {
	// The asynq client shares rdb (it was built from it) and leaves closing it to us.
	return c.rdb.Close()
}

// Ping checks Redis answers, for /readyz.
func (c *Client) Ping(ctx context.Context) error {
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	return nil
}

// Enqueue enqueues t. An asynq.TaskID that is already queued comes back as asynq.ErrTaskIDConflict.
func (c *Client) Enqueue(ctx context.Context, t *asynq.Task, opts ...asynq.Option) (*asynq.TaskInfo, error) {
	info, err := c.aq.EnqueueContext(ctx, t, opts...)
	if err != nil {
		return nil, fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
	return info, nil
}

// EnqueueMail asks a worker to send the message QueueMail wrote, once the caller's transaction
// has committed. The task id is derived from the message id, so enqueueing the same message again
// (a retried request, the sweep) is refused by Redis while a task for it exists, and is not an error.
// If this call fails the message is not lost: the sweep enqueues it within a couple of minutes.
func (c *Client) EnqueueMail(ctx context.Context, id string) error {
	_, err := c.Enqueue(ctx, mailSendTask(id), mailSendOptions(id)...)
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// EnqueueMails asks a worker to send the messages QueueMails wrote as one task, over one
// connection to the mail server. The task id is derived from the first message's, so the same
// batch enqueued twice is one task. If this call fails the sweep enqueues each message.
func (c *Client) EnqueueMails(ctx context.Context, ids []string) error {
	switch len(ids) {
	case 0:
		return nil
	case 1:
		return c.EnqueueMail(ctx, ids[0])
	}
	b, _ := json.Marshal(mailBatchPayload{IDs: ids}) // a struct of strings always marshals
	_, err := c.Enqueue(ctx, asynq.NewTask(TypeMailBatch, b), asynq.TaskID("mail-batch:"+ids[0]), asynq.MaxRetry(mailMaxRetry),
		// Above one SMTP conversation per chunk of the batch and below claimStale.
		asynq.Timeout(5*time.Minute))
	if errors.Is(err, asynq.ErrTaskIDConflict) {
		return nil
	}
	return err
}

// maxMailBatch bounds the messages of one batch task.
const maxMailBatch = 500

type mailBatchPayload struct {
	IDs []string `json:"ids"`
}

type mailPayload struct {
	ID string `json:"id"`
}

func mailSendTask(id string) *asynq.Task {
	b, _ := json.Marshal(mailPayload{ID: id}) // a struct of one string always marshals
	return asynq.NewTask(TypeMailSend, b)
}

func mailSendOptions(id string) []asynq.Option {
	return []asynq.Option{
		asynq.TaskID("mail:" + id),
		asynq.MaxRetry(mailMaxRetry),
		// Above sendTimeout (one SMTP conversation) and below claimStale.
		asynq.Timeout(2 * time.Minute),
	}
}

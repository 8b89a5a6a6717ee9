package dbtest

import (
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RedisServer is a redis-server of a test's own on a free loopback port, without persistence
// (like the Redis golive runs beside: it keeps nothing on disk), which the test can stop and
// start again empty on the same port. Never the machine's own Redis.
type RedisServer struct {
	t    testing.TB
	Addr string
	cmd  *exec.Cmd
}

// StartRedisServer starts one, or skips the test (saying why) when redis-server is not installed.
func StartRedisServer(t testing.TB) *RedisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed: this test restarts a Redis of its own")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &RedisServer{t: t, Addr: l.Addr().String()}
	l.Close()
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// URL is its redis:// address.
func (r *RedisServer) URL() string { return "redis://" + r.Addr + "/0" }

// Start starts it (empty) and waits until it answers.
func (r *RedisServer) Start() {
	t := r.t
	t.Helper()
	_, port, _ := net.SplitHostPort(r.Addr)
	r.cmd = exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start redis-server on %s: %v", r.Addr, err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !r.answers() {
		if time.Now().After(deadline) {
			t.Fatalf("redis-server on %s did not answer within 30 s", r.Addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *RedisServer) answers() bool {
	c, err := net.DialTimeout("tcp", r.Addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_, _ = c.Write([]byte("PING\r\n"))
	buf := make([]byte, 7)
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	n, _ := c.Read(buf)
	return strings.HasPrefix(string(buf[:n]), "+PONG")
}

// Stop kills it (SIGKILL: whatever it held is gone, as in a crash).
func (r *RedisServer) Stop() {
	if r.cmd == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	_ = r.cmd.Wait()
	r.cmd = nil
}

// Restart kills it and starts it again empty on the same port.
func (r *RedisServer) Restart() {
	r.t.Helper()
	r.Stop()
	r.Start()
}

package web

import (
	"io"
	"net"
	"time"
)

// Lingering closes the connections ln accepts as net/http does: it stops writing, then reads and
// drops what the client is still sending for a moment before closing. The HTTP server answers
// some requests before it has read them whole (a 431 for headers over its read buffer), and
// closing a socket with input unread makes the kernel reset the connection: the reset can reach
// the client while it is still sending, or before it has read the answer, and it never sees the
// answer.
func Lingering(ln net.Listener) net.Listener { return lingeringListener{ln} }

const (
	lingerFor = 500 * time.Millisecond // net/http's rstAvoidanceDelay
	lingerMax = 256 << 10              // at most this much more is read and dropped
)

type lingeringListener struct{ net.Listener }

func (l lingeringListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		return lingeringConn{tc}, nil
	}
	return c, nil
}

type lingeringConn struct{ *net.TCPConn }

// Close half-closes the connection and returns; the rest of the client's input is drained and
// the socket closed in the background, so that the server's worker is not held.
func (c lingeringConn) Close() error {
	if err := c.CloseWrite(); err != nil {
		return c.TCPConn.Close()
	}
	go func() {
		_ = c.SetReadDeadline(time.Now().Add(lingerFor))
		_, _ = io.Copy(io.Discard, io.LimitReader(c.TCPConn, lingerMax))
		_ = c.TCPConn.Close()
	}()
	return nil
}

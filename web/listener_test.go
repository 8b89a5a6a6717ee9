package web

import (
	"bytes"
	"io"
	"net"
	"testing"
)

// A server that answers before reading the whole request (as fasthttp does with headers over its
// buffer) and closes: through Lingering the client still sends all it has and reads the whole
// answer, where a plain close with input unread resets the connection under it.
func TestALingeringCloseLetsTheClientReadTheAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := Lingering(ln)
	defer l.Close()
	const answer = "HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n"
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 16<<10)
			_, _ = io.ReadFull(c, buf) // the read buffer's worth, not the rest
			_, _ = c.Write([]byte(answer))
			_ = c.Close()
		}
	}()
	for i := range 20 {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		req := append([]byte("GET /?q="), bytes.Repeat([]byte("a"), 64<<10)...)
		if _, err := c.Write(req); err != nil {
			t.Fatalf("request %d: the client could not send it all: %v", i, err)
		}
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(got) != answer {
			t.Fatalf("request %d: read %q, %v; want the whole answer and the end of the connection", i, got, err)
		}
	}
}

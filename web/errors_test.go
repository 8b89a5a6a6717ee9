package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// problemOf reads a response that must be a problem document with a real request id.
func problemOf(t *testing.T, resp *http.Response, status int) Problem {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want a problem document: %s", ct, body)
	}
	var p Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("not JSON: %s", body)
	}
	if p.RequestID == "" || strings.Contains(p.RequestID, "nil") || p.Status != status {
		t.Fatalf("problem without its status or request id: %s", body)
	}
	return p
}

// serve starts the app on a loopback port: limits on headers and bodies are fasthttp's, so
// they are met over a real connection.
func serve(t *testing.T) string {
	t.Helper()
	srv := &Server{Logger: discardLogger()}
	app := srv.NewApp(Options{})
	app.Post("/api/v1/things", func(c *fiber.Ctx) error { return c.SendStatus(204) })
	app.Get("/api/v1/things", func(c *fiber.Ctx) error { return c.SendStatus(204) })
	app.Get("/things", func(c *fiber.Ctx) error { return c.SendStatus(204) })
	app.Post("/api/v1/upload", func(c *fiber.Ctx) error {
		_, _, err := ReadUpload(c, 1<<20)
		if err != nil {
			return err
		}
		return c.SendStatus(204)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { _ = app.ShutdownWithTimeout(time.Second) })
	return "http://" + ln.Addr().String()
}

// sendOversized sends a request the server answers before reading it whole. The server then
// closes a connection with unread bytes, and the kernel may reset it before the client has read
// the answer, or while it is still writing: a race of the transport, not of golive, so a reset
// is tried again (a server that never answered would still fail every try).
func sendOversized(t *testing.T, newReq func() *http.Request) *http.Response {
	t.Helper()
	for try := 1; ; try++ {
		resp, err := http.DefaultClient.Do(newReq())
		if err == nil {
			return resp
		}
		if try < 10 && (errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || strings.Contains(err.Error(), "connection reset by peer")) {
			continue
		}
		t.Fatalf("try %d: %v", try, err)
	}
}

func TestHeadersTooLargeAreA431ProblemDocumentOnPagesAndTheAPI(t *testing.T) {
	base := serve(t)
	for _, path := range []string{"/api/v1/things", "/things"} {
		resp := sendOversized(t, func() *http.Request {
			req, _ := http.NewRequest("GET", base+path, nil)
			req.Header.Set("X-Padding", strings.Repeat("a", 20<<10))
			return req
		})
		p := problemOf(t, resp, 431)
		if strings.Contains(p.Instance, "aaaa") || strings.Contains(p.Detail, "buffer") {
			t.Errorf("%s: the problem repeats the request or fasthttp's words: %+v", path, p)
		}
		resp = sendOversized(t, func() *http.Request {
			req, _ := http.NewRequest("GET", base+path+"?q="+strings.Repeat("b", 20<<10), nil)
			return req
		})
		problemOf(t, resp, 431)
	}
	// A large but reasonable header (a long cookie) still passes.
	req, _ := http.NewRequest("GET", base+"/things", nil)
	req.Header.Set("Cookie", "a="+strings.Repeat("c", 8<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("an 8 KB cookie: %v %v", resp, err)
	}
}

func TestABodyOverTheLimitIsA413WithARequestID(t *testing.T) {
	base := serve(t)
	// Sent whole before the answer is read: fasthttp refuses it from its Content-Length.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := bytes.Repeat([]byte("x"), 2<<20)
	req, _ := http.NewRequest("POST", base+"/api/v1/things", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	go req.Write(conn)
	resp, err := http.ReadResponse(bufioReader(conn), req)
	if err != nil {
		t.Fatal(err)
	}
	problemOf(t, resp, 413)
}

func TestMalformedMultipartGetsAFieldMessageNotGosText(t *testing.T) {
	base := serve(t)
	for _, ct := range []string{"multipart/form-data; boundary=xyz", "multipart/form-data"} {
		resp, err := http.Post(base+"/api/v1/upload", ct, strings.NewReader("--xyz\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nno end"))
		if err != nil {
			t.Fatal(err)
		}
		p := problemOf(t, resp, 422)
		if len(p.Errors) != 1 || p.Errors[0].Field != "file" {
			t.Errorf("%s: %+v, want a message on the file field", ct, p)
			continue
		}
		if strings.Contains(strings.ToLower(p.Detail+p.Errors[0].Detail), "multipart") {
			t.Errorf("%s: Go's own words reached the user: %+v", ct, p)
		}
	}
}

func TestTextNoDatabaseCanHoldIsRefusedBesideItsField(t *testing.T) {
	type item struct {
		Name string `json:"name"`
	}
	type input struct {
		Title string   `json:"title" validate:"required"`
		Tags  []string `json:"tags"`
		Items []item   `json:"items"`
		Raw   []byte   `json:"raw"`
	}
	for _, c := range []struct {
		in    input
		field string
	}{
		{input{Title: "a\x00b"}, "title"},
		{input{Title: "ok", Tags: []string{"fine", "\xff"}}, "tags.1"},
		{input{Title: "ok", Items: []item{{Name: "x\x00"}}}, "items.0.name"},
	} {
		err := Validate(c.in)
		ae, ok := errAs(err)
		if !ok || ae.Fields[c.field] != BadTextMessage || len(ae.Fields) != 1 {
			t.Errorf("%+v: got %v, want the message on %s alone", c.in, err, c.field)
		}
	}
	if err := Validate(input{Title: "Plain: café, 50 % — ok", Raw: []byte{0, 0xff}}); err != nil {
		t.Errorf("plain text (and bytes, which are not text) refused: %v", err)
	}
}

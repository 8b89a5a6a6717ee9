package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestProfilesAreServedOnTheirOwnLoopbackAddressOnly(t *testing.T) {
	addr, stop, err := serveProfiles("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	get := func(u string) (int, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, body
	}
	if code, body := get("http://" + addr + "/debug/pprof/"); code != 200 || !strings.Contains(string(body), "goroutine") {
		t.Fatalf("profile index: %d %.200s", code, body)
	}
	// A heap profile is gzip'd protobuf: its magic number shows it is one, not an error page.
	if code, body := get("http://" + addr + "/debug/pprof/heap"); code != 200 || !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		t.Fatalf("heap profile: %d %.200q", code, body)
	}

	// The portal itself has no such route, with or without the profiles' listener.
	s := startServer(t, nil)
	if code, _ := get(s.URL + "/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("the portal answered /debug/pprof/ with %d, want 404", code)
	}

	// Two listeners cannot share the address: the second is refused with it named.
	if _, _, err := serveProfiles(addr); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("second listener on %s: %v", addr, err)
	}
}

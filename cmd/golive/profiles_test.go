package main

import (
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
	if code, body, _ := anonymousGet(t, "http://"+addr, "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Fatalf("profile index: %d %.200s", code, body)
	}
	// A heap profile is gzip'd protobuf: its magic number shows it is one, not an error page.
	if code, body, _ := anonymousGet(t, "http://"+addr, "/debug/pprof/heap"); code != 200 || !strings.HasPrefix(body, "\x1f\x8b") {
		t.Fatalf("heap profile: %d %.200q", code, body)
	}

	// The portal itself has no such route, with or without the profiles' listener.
	s := startServer(t, nil)
	if code, _, _ := anonymousGet(t, s.URL, "/debug/pprof/"); code != http.StatusNotFound {
		t.Fatalf("the portal answered /debug/pprof/ with %d, want 404", code)
	}

	// Two listeners cannot share the address: the second is refused with it named.
	if _, _, err := serveProfiles(addr); err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("second listener on %s: %v", addr, err)
	}
}

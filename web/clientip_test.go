package web

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// clientIPApp answers every request with the client address golive would rate-limit and audit.
func clientIPApp(trusted ...string) *fiber.App {
	srv := &Server{Logger: discardLogger()}
	app := srv.NewApp(Options{TrustedProxies: trusted})
	app.Get("/ip", func(c *fiber.Ctx) error { return c.SendString(ClientIP(c)) })
	return app
}

// clientIPOf sends one request with the given X-Forwarded-For lines (each its own header line).
func clientIPOf(t *testing.T, base string, xff ...string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/ip", nil)
	if len(xff) > 0 {
		req.Header["X-Forwarded-For"] = xff
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("X-Forwarded-For %q: %d %s", xff, resp.StatusCode, body)
	}
	return string(body)
}

func TestWithNoProxyTrustedTheClientIsTheConnectionWhateverTheHeaderSays(t *testing.T) {
	base := served(t, clientIPApp())
	for _, xff := range [][]string{nil, {"203.0.113.7"}, {"203.0.113.7, 198.51.100.1"}, {"garbage"}} {
		if got := clientIPOf(t, base, xff...); got != "127.0.0.1" {
			t.Errorf("X-Forwarded-For %q: client %s, want the connection's 127.0.0.1", xff, got)
		}
	}
}

func TestAProxyNotInTheListIsNotBelieved(t *testing.T) {
	base := served(t, clientIPApp("192.0.2.10", "10.0.0.0/8"))
	if got := clientIPOf(t, base, "203.0.113.7"); got != "127.0.0.1" {
		t.Errorf("a forged header from an untrusted connection: client %s, want 127.0.0.1", got)
	}
}

func TestBehindATrustedProxyTheClientIsTheAddressTheProxyAppended(t *testing.T) {
	base := served(t, clientIPApp("127.0.0.1"))
	cases := []struct {
		name string
		xff  []string
		want string
	}{
		{"no header: a request from the proxy machine itself", nil, "127.0.0.1"},
		{"one client", []string{"203.0.113.7"}, "203.0.113.7"},
		{"the client's own left-most entries are ignored", []string{"6.6.6.6, 10.0.0.1, 203.0.113.7"}, "203.0.113.7"},
		{"a proxy that adds its own header line", []string{"6.6.6.6", "203.0.113.7"}, "203.0.113.7"},
		{"a port after the address", []string{"203.0.113.7:51234"}, "203.0.113.7"},
		{"IPv6", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv6 with a port", []string{"[2001:DB8::7]:443"}, "2001:db8::7"},
		{"extra spaces", []string{"  6.6.6.6 ,   203.0.113.7  "}, "203.0.113.7"},
		{"garbage: the connection", []string{"not an address"}, "127.0.0.1"},
		{"garbage right-most: the connection, not the forged entry before it", []string{"6.6.6.6, <script>"}, "127.0.0.1"},
		{"empty entries", []string{",,,"}, "127.0.0.1"},
		{"an empty header", []string{""}, "127.0.0.1"},
		{"a zone is not an address", []string{"fe80::1%eth0"}, "127.0.0.1"},
		{"very long", []string{strings.Repeat("6.6.6.6,", 300) + "203.0.113.7"}, "203.0.113.7"},
	}
	for _, tc := range cases {
		if got := clientIPOf(t, base, tc.xff...); got != tc.want {
			t.Errorf("%s (%q): client %s, want %s", tc.name, tc.xff, got, tc.want)
		}
	}
}

func TestThroughAChainOfTrustedProxiesTheClientIsTheFirstUntrustedHop(t *testing.T) {
	base := served(t, clientIPApp("127.0.0.1", "10.0.0.0/8"))
	cases := []struct {
		xff  string
		want string
	}{
		// client → load balancer 10.1.2.3 → proxy on this machine
		{"6.6.6.6, 203.0.113.7, 10.1.2.3", "203.0.113.7"},
		// a client inside the trusted range: the left-most trusted hop is the nearest we know
		{"10.0.0.5, 10.1.2.3", "10.0.0.5"},
		// garbage after trusted hops: the last hop a trusted proxy vouched for
		{"203.0.113.7, junk, 10.1.2.3", "10.1.2.3"},
	}
	for _, tc := range cases {
		if got := clientIPOf(t, base, tc.xff); got != tc.want {
			t.Errorf("X-Forwarded-For %q: client %s, want %s", tc.xff, got, tc.want)
		}
	}
}

func TestTrustedProxiesAreReadAndABadEntryNamesItself(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.7, 10.0.0.9/8,::1 ,2001:DB8::/32,::ffff:192.0.2.1,")
	want := []string{"10.0.0.7", "10.0.0.0/8", "::1", "2001:db8::/32", "192.0.2.1"}
	if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q %v, want %q", got, err, want)
	}
	for _, bad := range []string{"proxy.internal", "10.0.0.0/33", "10.0.0", "0.0.0.0/0", "::/0", "10.0.0.1 10.0.0.2"} {
		_, err := ParseTrustedProxies("10.0.0.1," + bad)
		if err == nil || !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("%q: %v, want an error naming it", bad, err)
		}
	}
}

// FuzzClientIP: whatever a trusted proxy passes on, the answer is one valid address and nothing panics.
func FuzzClientIP(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "6.6.6.6, 203.0.113.7", "[::1]:80", ",,", "1.2.3.4:99999", "\x00", "::ffff:1.2.3.4"} {
		f.Add(s)
	}
	// fiber's in-memory test connection comes from 0.0.0.0: trust it.
	app := clientIPApp("0.0.0.0", "10.0.0.0/8")
	f.Fuzz(func(t *testing.T, xff string) {
		req := httptest.NewRequest("GET", "/ip", nil)
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := app.Test(req)
		if err != nil {
			t.Skip(err) // not a header fasthttp reads
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == 200 && net.ParseIP(string(body)) == nil {
			t.Fatalf("X-Forwarded-For %q: client %q is not an address", xff, body)
		}
	})
}

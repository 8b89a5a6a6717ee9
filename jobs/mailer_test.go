package jobs

import (
	"context"
	"strings"
	"testing"
)

func TestNewMailerRefusesAnSMTPURLThatCannotWorkAtStartUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url, from, want string
	}{
		{"http://mail.example.com", testFrom, "scheme must be smtp:// or smtps://"},
		{"smtp://", testFrom, "no host"},
		{"smtp://mail.example.com:99999", testFrom, "not a port number"},
		{"smtp://mail.example.com:smtp", testFrom, "not a URL"},
		{"smtp://user:secret@mail.example.com?tls=none", testFrom, "allowed only for localhost"},
		{"smtps://localhost?tls=none", testFrom, "contradicts smtps://"},
		{"smtp://mail.example.com?tls=maybe", testFrom, `tls="maybe"`},
		{"smtp://mail.example.com?insecure=1", testFrom, `unknown setting "insecure"`},
		{"smtp://mail.example.com", "not an address", "is not an email address"},
		{"smtp://mail.example.com", "", "is not an email address"},
	} {
		_, err := NewMailer(tc.url, tc.from)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewMailer(%q, %q) = %v, want an error saying %q", tc.url, tc.from, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("NewMailer(%q) error shows the password: %v", tc.url, err)
		}
	}
}

func TestNewMailerAcceptsTheUsualMailServerURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		port int
		tls  tlsMode
	}{
		{"smtp://user:p%40ss@smtp.office365.com:587", 587, tlsOpportunistic},
		{"smtp://relay.nhs.net", 587, tlsOpportunistic},
		{"smtp://relay.nhs.net:25?tls=mandatory", 25, tlsMandatory},
		{"smtps://user:pass@smtp.example.com", 465, tlsImplicit},
		{"smtp://localhost:1025?tls=none", 1025, tlsNone},
		{"smtp://127.0.0.1:25?tls=none", 25, tlsNone},
	} {
		m, err := NewMailer(tc.url, testFrom)
		if err != nil {
			t.Errorf("NewMailer(%q) = %v", tc.url, err)
			continue
		}
		s, ok := m.(*SMTPMailer)
		if !ok {
			t.Errorf("NewMailer(%q) = %T, want *SMTPMailer", tc.url, m)
			continue
		}
		if s.cfg.port != tc.port || s.cfg.tls != tc.tls {
			t.Errorf("NewMailer(%q): port %d tls %d, want %d and %d", tc.url, s.cfg.port, s.cfg.tls, tc.port, tc.tls)
		}
	}
	if m, _ := NewMailer("smtp://user:p%40ss@smtp.office365.com:587", testFrom); m.(*SMTPMailer).cfg.pass != "p@ss" {
		t.Error("an escaped password is not unescaped")
	}
}

func TestWithoutAnSMTPURLMailStaysInTheLocalOutbox(t *testing.T) {
	t.Parallel()
	m, err := NewMailer("", "")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := m.Send(context.Background(), Message{To: "a@example.nhs.uk", Subject: "s", Text: "t"})
	if err != nil || tr != TransportOutbox {
		t.Fatalf("Send = %q, %v; want the outbox transport", tr, err)
	}
}

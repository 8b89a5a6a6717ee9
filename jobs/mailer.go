package jobs

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Mailer delivers one message and says how it left: TransportSMTP or TransportOutbox.
type Mailer interface {
	Send(ctx context.Context, m Message) (transport string, err error)
}

// NewMailer chooses how mail leaves: SMTP when smtpURL (GOLIVE_SMTP_URL) is set, otherwise the
// local outbox, where nothing leaves the machine and each message stays readable in the database
// (and on /platform/outbox). A URL that cannot work is an error now, at start-up, rather than a
// job failing ten times later.
//
// smtpURL is smtp://user:pass@host:port (STARTTLS when the server offers it) or
// smtps://user:pass@host:port (TLS from the first byte). ?tls=mandatory refuses a server without
// STARTTLS; ?tls=none turns TLS off and is allowed only for localhost, where a relay on the same
// machine is the usual reason. Credentials are sent with PLAIN only over TLS or to localhost.
func NewMailer(smtpURL, from string) (Mailer, error) {
	if strings.TrimSpace(smtpURL) == "" {
		return OutboxMailer{}, nil
	}
	cfg, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("GOLIVE_SMTP_URL %s: %w", redactURL(smtpURL), err)
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail sender %q is not an email address: %w", from, err)
	}
	m := &SMTPMailer{cfg: cfg, from: addr.String(), domain: domainOf(addr.Address)}
	m.helo = heloName(m.domain)
	// Build one client now so an option go-mail rejects is reported at start-up.
	if _, err := m.client(); err != nil {
		return nil, fmt.Errorf("GOLIVE_SMTP_URL %s: %w", redactURL(smtpURL), err)
	}
	return m, nil
}

// OutboxMailer keeps mail on this machine: the row in mail_messages is the message.
type OutboxMailer struct{}

// Send accepts the message without sending it anywhere.
func (OutboxMailer) Send(context.Context, Message) (string, error) { return TransportOutbox, nil }

type tlsMode int

const (
	tlsOpportunistic tlsMode = iota
	tlsMandatory
	tlsImplicit
	tlsNone
)

type smtpConfig struct {
	host       string
	port       int
	user, pass string
	tls        tlsMode
}

func parseSMTPURL(raw string) (smtpConfig, error) {
	var cfg smtpConfig
	u, err := url.Parse(raw)
	if err != nil {
		return cfg, fmt.Errorf("not a URL")
	}
	switch u.Scheme {
	case "smtp":
		cfg.port = 587
	case "smtps":
		cfg.port, cfg.tls = 465, tlsImplicit
	default:
		return cfg, fmt.Errorf("scheme must be smtp:// or smtps://, not %q", u.Scheme)
	}
	cfg.host = u.Hostname()
	if cfg.host == "" {
		return cfg, fmt.Errorf("no host: write smtp://user:password@host:port")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return cfg, fmt.Errorf("port %q is not a port number", p)
		}
		cfg.port = n
	}
	if u.User != nil {
		cfg.user = u.User.Username()
		cfg.pass, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return cfg, fmt.Errorf("unknown setting %q (only tls=opportunistic|mandatory|none)", k)
		}
	}
	switch t := q.Get("tls"); t {
	case "", "opportunistic":
	case "mandatory":
		if cfg.tls != tlsImplicit {
			cfg.tls = tlsMandatory
		}
	case "none":
		if cfg.tls == tlsImplicit {
			return cfg, fmt.Errorf("tls=none contradicts smtps://")
		}
		if !isLocalhost(cfg.host) {
			return cfg, fmt.Errorf("tls=none is allowed only for localhost, not %s: mail would cross the network in clear", cfg.host)
		}
		cfg.tls = tlsNone
	default:
		return cfg, fmt.Errorf("tls=%q: use opportunistic, mandatory or none", t)
	}
	return cfg, nil
}

func isLocalhost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func domainOf(addr string) string {
	if i := strings.LastIndex(addr, "@"); i >= 0 {
		return addr[i+1:]
	}
	return "golive.invalid"
}

// redactURL hides the password in a URL that goes into an error message or a log.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// SMTPMailer sends through an SMTP server.
type SMTPMailer struct {
	cfg    smtpConfig
	from   string
	domain string
	helo   string
}

// heloName is the name golive gives in EHLO: servers reject go-mail's default "localhost"
// (RFC 5321 asks for a fully qualified name), so the host's own name when it is one, else the
// sender's domain.
func heloName(senderDomain string) string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") && !strings.HasSuffix(h, ".local") {
		return h
	}
	return senderDomain
}

// sendTimeout bounds one conversation with the server; it must stay well under claimStale so a
// send still in progress is never taken for a dead worker's.
const sendTimeout = time.Minute

// client builds a fresh go-mail client: a go-mail Client holds one connection and is not safe for
// concurrent use, and the worker sends several messages at once.
func (s *SMTPMailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(s.cfg.port), gomail.WithTimeout(sendTimeout), gomail.WithHELO(s.helo)}
	switch s.cfg.tls {
	case tlsOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case tlsMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case tlsImplicit:
		opts = append(opts, gomail.WithSSL())
	case tlsNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.user != "" {
		// PLAIN (not the NOENC variant): go-mail refuses to send the password unencrypted except
		// to localhost, so an opportunistic connection that got no TLS fails rather than leaks.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
			gomail.WithUsername(s.cfg.user), gomail.WithPassword(s.cfg.pass))
	}
	return gomail.NewClient(s.cfg.host, opts...)
}

// Send delivers m; the error says what the server answered.
func (s *SMTPMailer) Send(ctx context.Context, m Message) (string, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return "", fmt.Errorf("sender %s: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return "", fmt.Errorf("recipient %s: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	c, err := s.client()
	if err != nil {
		return "", fmt.Errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return "", fmt.Errorf("smtp %s:%d: %w", s.cfg.host, s.cfg.port, err)
	}
	return TransportSMTP, nil
}

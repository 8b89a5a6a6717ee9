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
	"github.com/wneessen/go-mail/smtp"
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

// message builds m as go-mail's message.
func (s *SMTPMailer) message(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return nil, fmt.Errorf("sender %s: %w", s.from, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %s: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	} else {
		msg.SetMessageID()
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	return msg, nil
}

// Send delivers m; the error says what the server answered.
func (s *SMTPMailer) Send(ctx context.Context, m Message) (string, error) {
	msg, err := s.message(m)
	if err != nil {
		return "", err
	}
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

// MailSession is one connection to the mail server, over which several messages go in turn: a
// batch of mail pays for one TCP connection, EHLO, STARTTLS and AUTH rather than one per message.
// It is used by one goroutine at a time.
type MailSession interface {
	// Send delivers ms in order and says how each left: errs[i] is ms[i]'s error, nil when the
	// server accepted it.
	Send(ctx context.Context, ms []Message) (transport string, errs []error)
	Close() error
}

// SessionMailer is a Mailer that can keep its connection for several messages.
type SessionMailer interface {
	Open() MailSession
}

// openSession is m's own session, or one that sends message by message through m.Send.
func openSession(m Mailer) MailSession {
	if sm, ok := m.(SessionMailer); ok {
		return sm.Open()
	}
	return oneByOne{m}
}

type oneByOne struct{ m Mailer }

func (o oneByOne) Send(ctx context.Context, ms []Message) (string, []error) {
	errs := make([]error, len(ms))
	transport := ""
	for i, m := range ms {
		t, err := o.m.Send(ctx, m)
		errs[i] = err
		if err == nil && t != "" {
			transport = t
		}
	}
	return transport, errs
}

func (oneByOne) Close() error { return nil }

// Open starts a session with the server; it dials with its first message.
func (s *SMTPMailer) Open() MailSession { return &smtpSession{m: s} }

type smtpSession struct {
	m    *SMTPMailer
	c    *gomail.Client
	conn *smtp.Client
}

func (ss *smtpSession) Send(ctx context.Context, ms []Message) (string, []error) {
	errs := make([]error, len(ms))
	msgs := make([]*gomail.Msg, 0, len(ms))
	at := make([]int, 0, len(ms))
	for i, m := range ms {
		msg, err := ss.m.message(m)
		if err != nil {
			errs[i] = err
			continue
		}
		msgs, at = append(msgs, msg), append(at, i)
	}
	if len(msgs) == 0 {
		return TransportSMTP, errs
	}
	fail := func(err error) (string, []error) {
		for _, i := range at {
			errs[i] = fmt.Errorf("smtp %s:%d: %w", ss.m.cfg.host, ss.m.cfg.port, err)
		}
		return TransportSMTP, errs
	}
	if ss.conn == nil {
		c, err := ss.m.client()
		if err != nil {
			return fail(fmt.Errorf("smtp client: %w", err))
		}
		dctx, cancel := context.WithTimeout(ctx, sendTimeout)
		conn, err := c.DialToSMTPClientWithContext(dctx)
		cancel()
		if err != nil {
			return fail(fmt.Errorf("dial failed: %w", err))
		}
		ss.c, ss.conn = c, conn
	}
	err := ss.c.SendWithSMTPClient(ss.conn, msgs...)
	some := false
	for j, msg := range msgs {
		if msg.HasSendError() {
			errs[at[j]] = fmt.Errorf("smtp %s:%d: %w", ss.m.cfg.host, ss.m.cfg.port, msg.SendError())
			some = true
		}
	}
	if err != nil {
		// The next messages start on a fresh connection: this one may be broken.
		_ = ss.Close()
		if !some {
			// The connection failed before any message (go-mail checks it first).
			return fail(err)
		}
	}
	return TransportSMTP, errs
}

func (ss *smtpSession) Close() error {
	if ss.conn == nil {
		return nil
	}
	err := ss.c.CloseWithSMTPClient(ss.conn)
	ss.c, ss.conn = nil, nil
	return err
}

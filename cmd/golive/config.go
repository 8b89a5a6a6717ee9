package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golive/tenants"
	"golive/web"
)

// Config is golive's configuration, all from the environment (documented in README).
type Config struct {
	Addr        string // GOLIVE_ADDR, default :8080
	DataDir     string // GOLIVE_DATA_DIR, default ./data
	DatabaseURL string // GOLIVE_DATABASE_URL: postgres://…; unset = SQLite in DataDir
	RedisURL    string // GOLIVE_REDIS_URL: redis://…; unset = in-process miniredis
	Secret      []byte // GOLIVE_SECRET_KEY (hex, ≥ 32 bytes); unset = generated into DataDir
	BaseURL     string // GOLIVE_BASE_URL, default http://localhost:<port>
	SMTPURL     string // GOLIVE_SMTP_URL: smtp://user:pass@host:port; unset = local outbox
	MailFrom    string // GOLIVE_MAIL_FROM, default golive@localhost
	LogLevel    string // GOLIVE_LOG_LEVEL: debug, info, warn, error
	// MetricsToken (GOLIVE_METRICS_TOKEN) is the bearer token /metrics asks for; unset = /metrics
	// only to this machine (web.MetricsAccess).
	MetricsToken string
	// TrustedProxies (GOLIVE_TRUSTED_PROXIES) are the reverse proxies whose X-Forwarded-For gives
	// the client's address (web.ClientIP); unset = none, the connection's address is the client's.
	TrustedProxies []string
	// SignInAddressLimit (GOLIVE_SIGNIN_ADDRESS_LIMIT) is the failed sign-ins, and apart from
	// them the password reset requests, one address may make in 15 minutes
	// (tenants.AttemptLimits); default tenants.DefaultAddressFailures.
	SignInAddressLimit int
	Now                func() time.Time
	// OldSecret (GOLIVE_OLD_SECRET_KEY) is the secret being rotated away from: it still unwraps
	// procurement keys not yet re-wrapped by `golive keys rotate`.
	OldSecret []byte
	// OCIDPrefix (GOLIVE_OCID_PREFIX) begins the Open Contracting ID of every procurement's
	// notices: the prefix registered with the Open Contracting Partnership, "ocds-" and 6
	// characters; default ocds-golive, which a real deployment replaces with its own.
	OCIDPrefix string
	// ProfileAddr (GOLIVE_PPROF_ADDR) is a loopback host:port where `golive serve` answers Go's
	// profiles (net/http/pprof), to find where a slow request's time goes on the machine it is
	// slow on; unset = none. Loopback only: a goroutine dump shows what the process is doing
	// with whose request.
	ProfileAddr string
}

// Embedded reports whether golive runs with nothing installed: SQLite and miniredis in process.
func (c Config) Embedded() bool { return c.RedisURL == "" }

// Secure reports whether cookies must be Secure.
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

func loadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:         or(getenv("GOLIVE_ADDR"), ":8080"),
		DataDir:      or(getenv("GOLIVE_DATA_DIR"), "./data"),
		DatabaseURL:  getenv("GOLIVE_DATABASE_URL"),
		RedisURL:     getenv("GOLIVE_REDIS_URL"),
		BaseURL:      strings.TrimRight(getenv("GOLIVE_BASE_URL"), "/"),
		SMTPURL:      getenv("GOLIVE_SMTP_URL"),
		MailFrom:     or(getenv("GOLIVE_MAIL_FROM"), "golive@localhost"),
		LogLevel:     or(getenv("GOLIVE_LOG_LEVEL"), "info"),
		MetricsToken: getenv("GOLIVE_METRICS_TOKEN"),
		OCIDPrefix:   or(getenv("GOLIVE_OCID_PREFIX"), "ocds-golive"),
		ProfileAddr:  getenv("GOLIVE_PPROF_ADDR"),
		Now:          func() time.Time { return time.Now().UTC() },
	}
	var problems []string
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		problems = append(problems, fmt.Sprintf("GOLIVE_ADDR %q must be host:port, like :8080 or 127.0.0.1:8080", c.Addr))
	}
	if c.BaseURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	} else if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		problems = append(problems, fmt.Sprintf("GOLIVE_BASE_URL %q must be an http(s) address, like https://golive.example.nhs.uk", c.BaseURL))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		problems = append(problems, "GOLIVE_DATABASE_URL must start with postgres:// (leave it unset for the embedded SQLite)")
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		problems = append(problems, "GOLIVE_REDIS_URL must start with redis:// or rediss:// (leave it unset for the embedded server)")
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			problems = append(problems, "GOLIVE_SMTP_URL must look like smtp://user:password@host:587 (leave it unset for the local outbox)")
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		problems = append(problems, "GOLIVE_LOG_LEVEL must be debug, info, warn or error")
	}
	if t := c.MetricsToken; t != "" && (len(t) < 32 || strings.ContainsAny(t, " \t\r\n")) {
		problems = append(problems, "GOLIVE_METRICS_TOKEN must be at least 32 characters with no spaces: make one with `openssl rand -hex 32`")
	}
	if !ocidPrefix.MatchString(c.OCIDPrefix) {
		problems = append(problems, fmt.Sprintf("GOLIVE_OCID_PREFIX %q must be an OCID prefix: ocds- and up to 20 letters or digits, like ocds-b5fd17", c.OCIDPrefix))
	}
	if c.ProfileAddr != "" && !loopbackAddr(c.ProfileAddr) {
		problems = append(problems, fmt.Sprintf("GOLIVE_PPROF_ADDR %q must be a loopback host:port, like 127.0.0.1:6060 (profiles are for this machine only)", c.ProfileAddr))
	}
	if v := getenv("GOLIVE_TRUSTED_PROXIES"); v != "" {
		proxies, err := web.ParseTrustedProxies(v)
		if err != nil {
			problems = append(problems, "GOLIVE_TRUSTED_PROXIES "+err.Error()+" (leave it unset when golive is not behind a proxy)")
		}
		c.TrustedProxies = proxies
	}
	c.SignInAddressLimit = tenants.DefaultAddressFailures
	if v := getenv("GOLIVE_SIGNIN_ADDRESS_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSignInAddressLimit {
			problems = append(problems, fmt.Sprintf("GOLIVE_SIGNIN_ADDRESS_LIMIT %q must be a whole number from 1 to %d: the failed sign-ins one address may make in 15 minutes (default %d)",
				v, maxSignInAddressLimit, tenants.DefaultAddressFailures))
		}
		c.SignInAddressLimit = n
	}
	if v := getenv("GOLIVE_NOW"); v != "" {
		// A demo or test clock: it starts at this instant and runs on in real time, so a demo can
		// show a procurement before its deadline, or a test can restart golive after it.
		start, err := time.Parse(time.RFC3339, v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("GOLIVE_NOW %q must be an RFC 3339 instant, like 2018-04-30T15:00:00+01:00", v))
		} else {
			began := time.Now()
			c.Now = func() time.Time { return start.Add(time.Since(began)).UTC() }
		}
	}
	if c.DatabaseURL != "" && c.RedisURL == "" {
		// An in-process Redis per serve would split rate limits and role-change signals.
		problems = append(problems, "GOLIVE_REDIS_URL must be set when GOLIVE_DATABASE_URL is, so that every golive process shares one Redis")
	}
	if k := getenv("GOLIVE_SECRET_KEY"); k != "" {
		b, err := hex.DecodeString(k)
		if err != nil || len(b) < 32 {
			problems = append(problems, "GOLIVE_SECRET_KEY must be at least 32 bytes written as hex (64 hex digits): make one with `openssl rand -hex 32`")
		}
		c.Secret = b
	} else if c.DatabaseURL != "" {
		// Every serve and worker process must share one key; a key generated per machine would not be.
		problems = append(problems, "GOLIVE_SECRET_KEY must be set when GOLIVE_DATABASE_URL is, so that every golive process shares it: make one with `openssl rand -hex 32`")
	}
	if k := getenv("GOLIVE_OLD_SECRET_KEY"); k != "" {
		b, err := hex.DecodeString(k)
		switch {
		case err != nil || len(b) < 32:
			problems = append(problems, "GOLIVE_OLD_SECRET_KEY must be at least 32 bytes written as hex (64 hex digits): the secret key being rotated away from")
		case string(b) == string(c.Secret):
			problems = append(problems, "GOLIVE_OLD_SECRET_KEY is the same as GOLIVE_SECRET_KEY: set GOLIVE_SECRET_KEY to the new key and GOLIVE_OLD_SECRET_KEY to the old one")
		}
		c.OldSecret = b
	}
	if len(problems) > 0 {
		return c, errors.New("configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return c, nil
}

// ensureSecret generates the secret key into the data directory on first run.
func (c *Config) ensureSecret() error {
	if c.Secret != nil {
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("create data directory %s: %w", c.DataDir, err)
	}
	path := filepath.Join(c.DataDir, "secret.key")
	if b, err := os.ReadFile(path); err == nil {
		k, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(k) < 32 {
			return fmt.Errorf("%s is not a valid key (64 hex digits): remove it to make a new one", path)
		}
		c.Secret = k
		return nil
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return fmt.Errorf("generate secret key: %w", err)
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	c.Secret = k
	return nil
}

// ocidPrefix is what an OCID prefix looks like: "ocds-" and a short code of letters and digits.
var ocidPrefix = regexp.MustCompile(`^ocds-[a-z0-9]{1,20}$`)

// maxSignInAddressLimit: beyond this an address limit stops nothing.
const maxSignInAddressLimit = 1_000_000

func or(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

// loopbackAddr reports whether addr is host:port with a port and a loopback IP or localhost.
func loopbackAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

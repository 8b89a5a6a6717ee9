package tenants

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"golive/apperr"
	"golive/audit"
	"golive/database"
	"golive/jobs"
	"golive/tenants/access"
)

// MailQueue enqueues an outbox message after the transaction that wrote it has committed.
type MailQueue interface {
	EnqueueMail(ctx context.Context, id string) error
}

// Service is sign-in, people and tokens.
type Service struct {
	Store   *Store
	Authz   *Authorizer
	Redis   redis.UniversalClient
	Mail    MailQueue
	Secret  []byte
	BaseURL string
	Now     func() time.Time
	Log     *slog.Logger
	// Limits on sign-in failures and reset requests; zero fields take the defaults.
	Limits AttemptLimits
}

// OWASP's argon2id floor (19 MiB, 2 passes): sign-in stays around 30 ms on two cores.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword hashes a password with argon2id.
func HashPassword(pw string) (string, error) { return argon2id.CreateHash(pw, passwordParams) }

// dummyHash is compared against when an email is unknown, so that timing does not tell which
// addresses have accounts. It costs one argon2id hash (about 40 ms here), so it is made once,
// when first needed or when serve warms it after it starts listening, not at every command's
// start-up. Comparing against it costs the same whether or not it was just made.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("golive-no-such-account-timing-pad")
	if err != nil {
		panic(fmt.Sprintf("hash the sign-in timing pad: %v", err)) // only crypto/rand can fail here
	}
	return h
})

// WarmSignIn makes the timing pad ahead of the first sign-in with an unknown email, so that that
// sign-in takes no longer than any other. Serve calls it off the start-up path.
func WarmSignIn() { dummyHash() }

func newToken(prefix string) (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // the OS has no randomness: nothing is safe
	}
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token)
}

// HashToken is how secrets handed to people are stored: SHA-256, since they are random and long.
func HashToken(token string) string { return hashToken(token) }

// hashToken is HashToken of a string or of bytes (a header read in place, never copied into a
// string). One allocation, the hash's string: the token is hashed from a copy on the stack
// (converting it to []byte put every token longer than 32 bytes on the heap) and so is the hex.
func hashToken[T ~string | ~[]byte](token T) string {
	var s [sha256.Size]byte
	var buf [128]byte // longer than any token golive makes (tokenMaxLen) or cookie it sets
	if len(token) <= len(buf) {
		s = sha256.Sum256(buf[:copy(buf[:], token)])
	} else {
		s = sha256.Sum256([]byte(token))
	}
	var h [2 * sha256.Size]byte
	hex.Encode(h[:], s[:])
	return string(h[:])
}

// NewID returns a time-ordered unique id.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

// Identity is who a session or API token belongs to. Its User and Org hold what the sign-in
// reads (signin_store.go: the actor's fields and what the checks at sign-in need), not every
// column: load the user or organisation for anything more.
type Identity struct {
	User      User
	Org       Organisation
	Roles     []access.Role
	SessionID string
	TokenID   string
}

// Actor turns an identity into the request's actor.
func (s *Service) Actor(id Identity) *access.Actor {
	a := &access.Actor{UserID: id.User.ID, Name: id.User.Name, Email: id.User.Email, OrgID: id.Org.ID,
		OrgName: id.Org.Name, OrgKind: id.Org.Kind, Roles: id.Roles, SessionID: id.SessionID, TokenID: id.TokenID}
	return a
}

// CSRFToken is an HMAC of the session (or the anonymous form cookie) under the secret key, so
// any serve process can check it without shared state.
func (s *Service) CSRFToken(binding string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte("csrf:" + binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF compares in constant time.
func (s *Service) CheckCSRF(binding, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.CSRFToken(binding)))
}

// --- sign-in ---

// SignInInput is the sign-in form.
type SignInInput struct {
	Email    string `form:"email" json:"email" validate:"required,max=254" label:"your email address"`
	Password string `form:"password" json:"password" validate:"required,max=200" label:"your password"`
	Next     string `form:"next" json:"-"`
}

// SignIn checks the password and starts a session; it returns the cookie value.
func (s *Service) SignIn(ctx context.Context, in SignInInput, ip, userAgent string) (string, error) {
	email := NormaliseEmail(in.Email)
	if err := s.checkLocks(ctx, email, ip); err != nil {
		return "", err
	}
	wrong := &apperr.Error{Kind: apperr.Unauthenticated, Message: "Enter a correct email address and password",
		Fields: map[string]string{"email": "Enter a correct email address and password"}}
	u, err := s.Store.UserByEmail(ctx, email)
	if apperr.IsKind(err, apperr.NotFound) {
		_, _ = argon2id.ComparePasswordAndHash(in.Password, dummyHash())
		s.failed(ctx, email, ip)
		return "", wrong
	}
	if err != nil {
		return "", fmt.Errorf("sign in %s: %w", email, err)
	}
	ok := false
	if u.PasswordHash != "" {
		ok, err = argon2id.ComparePasswordAndHash(in.Password, u.PasswordHash)
		if err != nil {
			return "", fmt.Errorf("check password of %s: %w", u.ID, err)
		}
	}
	if !ok || !u.Active {
		s.failed(ctx, email, ip)
		if ok && !u.Active {
			return "", &apperr.Error{Kind: apperr.Unauthenticated, Message: "This account has been deactivated: ask your organisation admin",
				Fields: map[string]string{"email": "This account has been deactivated: ask your organisation admin"}}
		}
		return "", wrong
	}
	// Only the right password learns that the organisation is closed: a guess learns nothing.
	org, err := s.Store.Org(ctx, u.OrgID)
	if err != nil {
		return "", fmt.Errorf("load organisation of %s: %w", u.ID, err)
	}
	if msg := SignInRefusal(org); msg != "" {
		return "", &apperr.Error{Kind: apperr.Unauthenticated, Message: msg, Fields: map[string]string{"email": msg}}
	}
	// The right password, for an organisation since succeeded: say where its work went.
	if err := s.checkNotSucceeded(ctx, org); err != nil {
		return "", err
	}
	// The right password forgives the account's earlier failures; the address's stay counted.
	if err := s.Redis.Del(ctx, accountKey(email)).Err(); err != nil {
		s.Log.Warn("clear failed sign-ins", "err", err)
	}
	now := s.Now()
	token, hash := newToken("")
	err = s.Store.Tx(ctx, func(tx *Store) error {
		u.LastSignInAt = &now
		u.UpdatedAt = now
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.CreateSession(ctx, &Session{ID: hash, UserID: u.ID, OrgID: u.OrgID, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(SessionAbsolute), IP: ip, UserAgent: truncate(userAgent, 250)}); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: u.OrgID, TenantID: u.OrgID,
			Action: "user.signed_in", ObjectType: "user", ObjectID: u.ID, Summary: map[string]any{"ip": ip}})
	})
	if err != nil {
		return "", fmt.Errorf("start session for %s: %w", u.ID, err)
	}
	return token, nil
}

// checkLocks refuses a sign-in from a locked address or to a locked account, before the
// password is hashed. A Redis it cannot read is an error: the limits never fail open.
func (s *Service) checkLocks(ctx context.Context, email, ip string) error {
	l := s.Limits.withDefaults()
	n, err := attempts(ctx, s.Redis, addressKey(ip), l.Window)
	if err != nil {
		return fmt.Errorf("read failed sign-ins from %s: %w", NetworkOf(ip), err)
	}
	if n >= l.AddressFailures {
		return &apperr.Error{Kind: apperr.TooMany, Message: fmt.Sprintf("Too many failed attempts to sign in from your network. Wait %s and try again.", minutes(l.Window))}
	}
	n, err = attempts(ctx, s.Redis, accountKey(email), l.Window)
	if err != nil {
		return fmt.Errorf("read failed sign-ins: %w", err)
	}
	if n >= l.AccountFailures {
		return &apperr.Error{Kind: apperr.TooMany, Message: fmt.Sprintf("This account is locked for %s after too many failed attempts to sign in. Try again later, or reset your password.", minutes(l.Window))}
	}
	return nil
}

// failed counts a failed sign-in against the account and the address.
func (s *Service) failed(ctx context.Context, email, ip string) {
	l := s.Limits.withDefaults()
	if _, err := count(ctx, s.Redis, accountKey(email), l.Window, l.AccountFailures); err != nil {
		s.Log.Warn("count a failed sign-in", "err", err)
	}
	if _, err := count(ctx, s.Redis, addressKey(ip), l.Window, l.AddressFailures); err != nil {
		s.Log.Warn("count a failed sign-in", "err", err)
	}
}

func minutes(d time.Duration) string {
	if m := int(d.Round(time.Minute) / time.Minute); m != 1 {
		return fmt.Sprintf("%d minutes", m)
	}
	return "1 minute"
}

// SessionIdentity resolves a session cookie; an unknown or expired one is Unauthenticated.
func (s *Service) SessionIdentity(ctx context.Context, cookie string) (Identity, error) {
	if cookie == "" || len(cookie) > 100 {
		return Identity{}, apperr.New(apperr.Unauthenticated, "Sign in to continue")
	}
	id := HashToken(cookie)
	row, err := s.Store.SessionSignIn(ctx, id)
	if apperr.IsKind(err, apperr.NotFound) {
		return Identity{}, apperr.New(apperr.Unauthenticated, "Your session has ended: sign in again")
	}
	if err != nil {
		return Identity{}, fmt.Errorf("load session: %w", err)
	}
	ss := row.Session
	now := s.Now()
	if SessionExpired(ss, now) {
		_ = s.Store.DeleteSession(ctx, id)
		return Identity{}, apperr.New(apperr.Unauthenticated, "Your session has ended: sign in again")
	}
	ident, err := s.identity(ctx, row)
	if err != nil {
		return Identity{}, err
	}
	ident.SessionID = id
	// at most once a minute: the row read above says whether this request is the one to write
	if !ss.LastSeenAt.After(now.Add(-time.Minute)) {
		if err := s.Store.TouchSession(ctx, id, now); err != nil {
			s.Log.Warn("touch session", "err", err)
		}
	}
	return ident, nil
}

// TokenIdentity resolves an API bearer token.
func (s *Service) TokenIdentity(ctx context.Context, bearer string) (Identity, error) {
	return tokenIdentity(ctx, s, bearer)
}

// tokenMaxLen is the longest bearer token looked up: golive's are 47 bytes.
const tokenMaxLen = 100

// tokenIdentity is TokenIdentity of a string or of the Authorization header's bytes as they are
// (Middleware.Authenticate): every API request's token, copied into a string only to be hashed,
// was an allocation.
func tokenIdentity[T ~string | ~[]byte](ctx context.Context, s *Service, bearer T) (Identity, error) {
	if len(bearer) < len(tokenPrefix) || string(bearer[:len(tokenPrefix)]) != tokenPrefix || len(bearer) > tokenMaxLen {
		return Identity{}, apperr.New(apperr.Unauthenticated, "The API token is not valid")
	}
	row, err := s.Store.TokenSignIn(ctx, hashToken(bearer))
	if apperr.IsKind(err, apperr.NotFound) {
		return Identity{}, apperr.New(apperr.Unauthenticated, "The API token is not valid or has been revoked")
	}
	if err != nil {
		return Identity{}, fmt.Errorf("load API token: %w", err)
	}
	t := row.Token
	ident, err := s.identity(ctx, row)
	if err != nil {
		return Identity{}, err
	}
	// A token carries no more than its owner holds: the API is PermOwnTokens's, so a token whose
	// owner's roles no longer grant it (a Healthwatch volunteer's, made before Healthwatch lost
	// the API, or an evaluator's since made Healthwatch) is refused on every call, here, once.
	if !s.Authz.Can(ident.User.ID, ident.Org.ID, access.PermOwnTokens) {
		return Identity{}, apperr.Forbiddenf("Your role does not use the API: sign in to golive and use its pages instead")
	}
	ident.TokenID = t.ID
	// issue 17: a token's last use is recorded at most once a minute, and only the request that
	// finds it older writes
	now := s.Now()
	if t.LastUsedAt == nil || !t.LastUsedAt.After(now.Add(-time.Minute)) {
		if err := s.Store.TouchToken(ctx, t.ID, now); err != nil {
			s.Log.Warn("touch token", "err", err)
		}
	}
	return ident, nil
}

func (s *Service) identity(ctx context.Context, row signedIn) (Identity, error) {
	u, o := row.User, row.Org
	if !u.Active {
		return Identity{}, apperr.New(apperr.Unauthenticated, "This account has been deactivated")
	}
	// Sessions and API tokens end with their organisation's deactivation or suspension.
	if msg := SignInRefusal(o); msg != "" {
		return Identity{}, apperr.New(apperr.Unauthenticated, msg)
	}
	if row.SuccessorOrgID != nil && *row.SuccessorOrgID != "" {
		return Identity{}, s.succeededRefusal(ctx, o, *row.SuccessorOrgID)
	}
	return Identity{User: u, Org: o, Roles: s.Authz.RolesOf(u.ID, o.ID)}, nil
}

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, a *access.Actor) error {
	if a == nil || a.SessionID == "" {
		return nil
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.DeleteSession(ctx, a.SessionID); err != nil {
			return fmt.Errorf("sign out: %w", err)
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: a.OrgID,
			Action: "user.signed_out", ObjectType: "user", ObjectID: a.UserID})
	})
}

// --- invitations ---

// InviteInput is the invitation form.
type InviteInput struct {
	Email string   `form:"email" json:"email" validate:"required,email,max=254" label:"an email address"`
	Name  string   `form:"name" json:"name" validate:"required,max=120" label:"their full name"`
	Roles []string `form:"roles" json:"roles" validate:"required,min=1,max=8,dive,max=40" label:"roles"`
}

// Invite sends a one-time link to join the actor's organisation.
func (s *Service) Invite(ctx context.Context, a *access.Actor, in InviteInput) (Invitation, error) {
	in.Email = NormaliseEmail(in.Email)
	roles, msg := CheckRoles(a.OrgKind, in.Roles)
	if msg != "" {
		return Invitation{}, apperr.InvalidFields(map[string]string{"roles": msg})
	}
	if _, err := s.Store.UserByEmail(ctx, in.Email); err == nil {
		return Invitation{}, apperr.InvalidFields(map[string]string{"email": "Someone with this email address already has an account"})
	}
	token, hash := newToken("")
	now := s.Now()
	inv := Invitation{ID: NewID(), OrgID: a.OrgID, Email: in.Email, Name: strings.TrimSpace(in.Name),
		Roles: strings.Join(RoleKeys(roles), ","), TokenHash: hash, InvitedBy: a.UserID, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	var mailID string
	err := s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateInvitation(ctx, &inv); err != nil {
			return err
		}
		var err error
		mailID, err = tx.QueueMail(ctx, jobs.Mail{TenantID: a.OrgID, To: inv.Email,
			Subject: "You are invited to golive by " + a.OrgName,
			Text: fmt.Sprintf("Hello %s,\n\n%s has invited you to join %s on golive as %s.\n\nAccept the invitation and choose a password (the link works once, for 7 days):\n%s/invitations/%s\n\nIf you did not expect this, ignore this email.\n",
				inv.Name, a.Name, a.OrgName, roleList(roles), s.BaseURL, token)})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: a.OrgID,
			Action: "user.invited", ObjectType: "invitation", ObjectID: inv.ID,
			Summary: map[string]any{"email": inv.Email, "roles": roles}})
	})
	if err != nil {
		return Invitation{}, fmt.Errorf("invite %s: %w", in.Email, err)
	}
	s.enqueue(ctx, mailID)
	return inv, nil
}

func (s *Service) enqueue(ctx context.Context, mailID string) {
	// Committed already; if Redis is unreachable the outbox sweep sends it later.
	if err := s.Mail.EnqueueMail(ctx, mailID); err != nil {
		s.Log.Warn("enqueue mail; the sweep will retry", "mail", mailID, "err", err)
	}
}

func roleList(roles []access.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = strings.ToLower(r.Label())
	}
	return strings.Join(names, " and ")
}

// Invitation loads a live invitation by its link token.
func (s *Service) Invitation(ctx context.Context, token string) (Invitation, Organisation, error) {
	gone := apperr.NotFoundf("This invitation link is not valid: it may have been used already or have expired. Ask for a new one.")
	if token == "" || len(token) > 100 {
		return Invitation{}, Organisation{}, gone
	}
	inv, err := s.Store.InvitationByHash(ctx, HashToken(token))
	if apperr.IsKind(err, apperr.NotFound) {
		return Invitation{}, Organisation{}, gone
	}
	if err != nil {
		return Invitation{}, Organisation{}, fmt.Errorf("load invitation: %w", err)
	}
	if inv.AcceptedAt != nil || inv.RevokedAt != nil || !s.Now().Before(inv.ExpiresAt) {
		return Invitation{}, Organisation{}, gone
	}
	o, err := s.Store.Org(ctx, inv.OrgID)
	if err == nil && o.Status() != StatusActive {
		return Invitation{}, Organisation{}, gone
	}
	return inv, o, err
}

// AcceptInput is the form that completes an invitation or a password reset.
type AcceptInput struct {
	Name     string `form:"name" json:"name" validate:"max=120" label:"your full name"`
	Password string `form:"password" json:"password" validate:"required,max=200" label:"a password"`
	Confirm  string `form:"confirm" json:"confirm" validate:"required,eqfield=Password" label:"the password again"`
}

// AcceptInvitation creates the account; the link works once.
func (s *Service) AcceptInvitation(ctx context.Context, token string, in AcceptInput) (User, error) {
	inv, org, err := s.Invitation(ctx, token)
	if err != nil {
		return User{}, err
	}
	if msg := CheckPassword(in.Password, inv.Email); msg != "" {
		return User{}, apperr.InvalidFields(map[string]string{"password": msg})
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := s.Now()
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = inv.Name
	}
	u := User{ID: NewID(), OrgID: org.ID, Email: inv.Email, Name: name, PasswordHash: hash, Active: true, CreatedAt: now, UpdatedAt: now}
	roles := ParseRoles(strings.Split(inv.Roles, ","))
	err = s.Store.Tx(ctx, func(tx *Store) error {
		ok, err := tx.ClaimInvitation(ctx, inv.ID, now)
		if err != nil {
			return fmt.Errorf("claim invitation: %w", err)
		}
		if !ok {
			return apperr.NotFoundf("This invitation link has already been used")
		}
		if prev, ok, err := tx.joinFromPredecessor(ctx, inv.Email, org.ID); err != nil || ok {
			if err == nil {
				u, err = tx.rejoin(ctx, prev, u, roles, inv.ID)
			}
			return err
		}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.SetRoles(ctx, u.ID, org.ID, roles); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: org.ID, TenantID: org.ID,
			Action: "user.joined", ObjectType: "user", ObjectID: u.ID,
			Summary: map[string]any{"email": u.Email, "roles": roles, "invitation": inv.ID}})
	})
	if err != nil {
		return User{}, err
	}
	return u, s.Authz.Changed(ctx)
}

// --- password reset ---

// ForgotInput is the forgotten-password form.
type ForgotInput struct {
	Email string `form:"email" json:"email" validate:"required,email,max=254" label:"your email address"`
}

// RequestReset emails a one-time link when the address has an active account. The answer is
// the same either way, so the form cannot be used to find out who has an account.
func (s *Service) RequestReset(ctx context.Context, in ForgotInput, ip string) error {
	// Every request counts (each can send a mail), so that the form cannot be used to flood
	// people's mailboxes from one network.
	l := s.Limits.withDefaults()
	n, err := count(ctx, s.Redis, resetAddressKey(ip), l.Window, l.AddressFailures)
	if err != nil {
		return fmt.Errorf("count password reset requests from %s: %w", NetworkOf(ip), err)
	}
	if n > l.AddressFailures {
		return &apperr.Error{Kind: apperr.TooMany, Message: fmt.Sprintf("Too many requests from your network. Wait %s and try again.", minutes(l.Window))}
	}
	u, err := s.Store.UserByEmail(ctx, NormaliseEmail(in.Email))
	if apperr.IsKind(err, apperr.NotFound) || (err == nil && !u.Active) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look up %s for reset: %w", in.Email, err)
	}
	token, hash := newToken("")
	now := s.Now()
	var mailID string
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateReset(ctx, &PasswordReset{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(ResetTTL)}); err != nil {
			return err
		}
		var err error
		mailID, err = tx.QueueMail(ctx, jobs.Mail{TenantID: u.OrgID, To: u.Email, Subject: "Reset your golive password",
			Text: fmt.Sprintf("Hello %s,\n\nSomeone asked to reset the password of your golive account. To choose a new password, open this link (it works once, for 1 hour):\n%s/reset-password/%s\n\nIf this was not you, ignore this email: your password has not changed.\n", u.Name, s.BaseURL, token)})
		if err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: u.OrgID, TenantID: u.OrgID,
			Action: "user.password_reset_requested", ObjectType: "user", ObjectID: u.ID, Summary: map[string]any{"ip": ip}})
	})
	if err != nil {
		return fmt.Errorf("request reset for %s: %w", u.ID, err)
	}
	s.enqueue(ctx, mailID)
	return nil
}

// CheckReset tells whether a reset link is still usable.
func (s *Service) CheckReset(ctx context.Context, token string) (PasswordReset, error) {
	gone := apperr.NotFoundf("This password reset link is not valid: it may have been used already or have expired. Ask for a new one.")
	if token == "" || len(token) > 100 {
		return PasswordReset{}, gone
	}
	r, err := s.Store.ResetByHash(ctx, HashToken(token))
	if apperr.IsKind(err, apperr.NotFound) {
		return PasswordReset{}, gone
	}
	if err != nil {
		return PasswordReset{}, fmt.Errorf("load reset: %w", err)
	}
	if r.UsedAt != nil || !s.Now().Before(r.ExpiresAt) {
		return PasswordReset{}, gone
	}
	return r, nil
}

// ResetPassword sets a new password and signs the user out everywhere.
func (s *Service) ResetPassword(ctx context.Context, token string, in AcceptInput) error {
	r, err := s.CheckReset(ctx, token)
	if err != nil {
		return err
	}
	u, err := s.Store.UserByID(ctx, r.UserID)
	if err != nil {
		return fmt.Errorf("load user for reset: %w", err)
	}
	if msg := CheckPassword(in.Password, u.Email); msg != "" {
		return apperr.InvalidFields(map[string]string{"password": msg})
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	now := s.Now()
	err = s.Store.Tx(ctx, func(tx *Store) error {
		ok, err := tx.ClaimReset(ctx, r.TokenHash, now)
		if err != nil {
			return fmt.Errorf("claim reset: %w", err)
		}
		if !ok {
			return apperr.NotFoundf("This password reset link has already been used")
		}
		u.PasswordHash, u.UpdatedAt = hash, now
		if err := tx.UpdateUser(ctx, &u); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, u.ID); err != nil {
			return fmt.Errorf("end sessions of %s: %w", u.ID, err)
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: u.ID, ActorOrgID: u.OrgID, TenantID: u.OrgID,
			Action: "user.password_reset", ObjectType: "user", ObjectID: u.ID})
	})
	if err != nil {
		return err
	}
	// Whoever reset the password reads the account's mail: its lock is lifted.
	if err := s.Redis.Del(ctx, accountKey(u.Email)).Err(); err != nil {
		s.Log.Warn("clear failed sign-ins after a reset", "err", err)
	}
	return nil
}

// --- organisation admin ---

// Members lists the actor's organisation's people with their roles.
func (s *Service) Members(ctx context.Context, a *access.Actor) ([]Member, []Invitation, error) {
	users, err := s.Store.TenantUsers(ctx)
	if err != nil {
		return nil, nil, err
	}
	roles, err := s.Store.Roles(ctx, a.OrgID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Member, len(users))
	for i, u := range users {
		out[i] = Member{User: u, Roles: roles[u.ID]}
	}
	inv, err := s.Store.PendingInvitations(ctx, s.Now())
	if err != nil {
		return nil, nil, err
	}
	return out, inv, nil
}

// Member loads one person of the actor's organisation.
func (s *Service) Member(ctx context.Context, a *access.Actor, id string) (Member, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Member{}, apperr.NotFoundf("User not found")
	}
	u, err := s.Store.TenantUser(ctx, id)
	if err != nil {
		return Member{}, err
	}
	roles, err := s.Store.Roles(ctx, a.OrgID)
	if err != nil {
		return Member{}, err
	}
	return Member{User: u, Roles: roles[u.ID]}, nil
}

// MemberInput changes a person's roles and whether they can sign in.
type MemberInput struct {
	Roles  []string `form:"roles" json:"roles" validate:"required,min=1,max=8,dive,max=40" label:"roles"`
	Active *bool    `form:"active" json:"active" validate:"required" label:"whether the account is active"`
}

// UpdateMember changes roles and status; deactivation ends sessions and revokes tokens.
func (s *Service) UpdateMember(ctx context.Context, a *access.Actor, id string, in MemberInput) (Member, error) {
	m, err := s.Member(ctx, a, id)
	if err != nil {
		return Member{}, err
	}
	roles, msg := CheckRoles(a.OrgKind, in.Roles)
	if msg != "" {
		return Member{}, apperr.InvalidFields(map[string]string{"roles": msg})
	}
	if msg := CanChangeMember(a.UserID, m, roles, !*in.Active); msg != "" {
		return Member{}, &apperr.Error{Kind: apperr.Conflict, Message: msg, Fields: map[string]string{"_form": msg}}
	}
	now := s.Now()
	before := map[string]any{"roles": m.Roles, "active": m.Active}
	err = s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.SetRoles(ctx, m.ID, a.OrgID, roles); err != nil {
			return err
		}
		if m.Active != *in.Active {
			m.Active, m.UpdatedAt = *in.Active, now
			if err := tx.UpdateUser(ctx, &m.User); err != nil {
				return err
			}
			if !m.Active {
				if err := tx.DeleteUserSessions(ctx, m.ID); err != nil {
					return fmt.Errorf("end sessions of %s: %w", m.ID, err)
				}
				if err := tx.RevokeUserTokens(ctx, m.ID, now); err != nil {
					return fmt.Errorf("revoke tokens of %s: %w", m.ID, err)
				}
			}
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: a.OrgID,
			Action: "user.updated", ObjectType: "user", ObjectID: m.ID,
			Summary: map[string]any{"before": before, "after": map[string]any{"roles": roles, "active": *in.Active}}})
	})
	if err != nil {
		return Member{}, fmt.Errorf("update member %s: %w", id, err)
	}
	m.Roles = slices.Clone(roles)
	slices.SortFunc(m.Roles, func(x, y access.Role) int { return strings.Compare(x.Key(), y.Key()) })
	return m, s.Authz.Changed(ctx)
}

// --- API tokens ---

const tokenPrefix = "glv_"

// TokenInput names a new API token.
type TokenInput struct {
	Name string `form:"name" json:"name" validate:"required,max=80" label:"a name for the token"`
}

// CreateToken makes a token for the actor; the plain value is returned this once only.
func (s *Service) CreateToken(ctx context.Context, a *access.Actor, in TokenInput) (string, APIToken, error) {
	if !access.Grants(a.Roles, access.PermOwnTokens) {
		return "", APIToken{}, apperr.Forbiddenf("Your role does not use the API, so it has no API tokens")
	}
	plain, hash := newToken(tokenPrefix)
	t := APIToken{ID: NewID(), UserID: a.UserID, OrgID: a.OrgID, Name: strings.TrimSpace(in.Name),
		Prefix: plain[:len(tokenPrefix)+6], TokenHash: hash, CreatedAt: s.Now()}
	err := s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.CreateToken(ctx, &t); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: a.OrgID,
			Action: "api_token.created", ObjectType: "api_token", ObjectID: t.ID, Summary: map[string]any{"name": t.Name}})
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create token for %s: %w", a.UserID, err)
	}
	return plain, t, nil
}

// Tokens lists the actor's own tokens.
func (s *Service) Tokens(ctx context.Context, a *access.Actor) ([]APIToken, error) {
	return s.Store.UserTokens(ctx, a.UserID)
}

// RevokeToken revokes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, a *access.Actor, id string) error {
	if _, err := uuid.Parse(id); err != nil {
		return apperr.NotFoundf("API token not found")
	}
	return s.Store.Tx(ctx, func(tx *Store) error {
		if err := tx.RevokeToken(ctx, a.UserID, id, s.Now()); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, TenantID: a.OrgID,
			Action: "api_token.revoked", ObjectType: "api_token", ObjectID: id})
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

var _ = database.Now

// AskForRole is the one task of a person without a role: to ask one of their organisation's
// admins (admins, oldest first), whom it names and links to by email, for one.
func AskForRole(admins []Person) Task {
	t := Task{Title: "Ask your organisation admin for a role"}
	switch len(admins) {
	case 0:
		t.Detail = "Your account has no role yet, and your organisation has no admin to give you one: ask the team that runs golive."
		return t
	case 1:
		t.Detail = fmt.Sprintf("Your account has no role yet, so there is nothing you can do here. Your admin is %s (%s).", admins[0].Name, admins[0].Email)
	default:
		names := make([]string, len(admins))
		for i, p := range admins {
			names[i] = fmt.Sprintf("%s (%s)", p.Name, p.Email)
		}
		t.Detail = "Your account has no role yet, so there is nothing you can do here. Your admins are " + strings.Join(names, ", ") + "."
	}
	t.Href = (&url.URL{Scheme: "mailto", Opaque: admins[0].Email, RawQuery: "subject=A%20role%20in%20golive"}).String()
	return t
}

// AdminTasks is the dashboard's list of what an organisation admin should attend to.
func (s *Service) AdminTasks(ctx context.Context, a *access.Actor) ([]Task, error) {
	var out []Task
	if len(a.Roles) == 0 {
		admins, err := DirectoryOn(s.Store.db).Holders(ctx, access.RoleTenantAdmin, []string{a.OrgID})
		if err != nil {
			return nil, fmt.Errorf("admins of %s to ask for a role: %w", a.OrgID, err)
		}
		out = append(out, AskForRole(admins))
	}
	if !a.HasRole(access.RoleTenantAdmin) {
		return out, nil
	}
	members, inv, err := s.Members(ctx, a)
	if err != nil {
		return nil, err
	}
	if n := len(inv); n > 0 {
		out = append(out, Task{Title: fmt.Sprintf("%d invitation%s not yet accepted", n, plural(n)), Href: "/admin/users",
			Detail: "Remind them, or invite them again if the link has expired."})
	}
	for _, m := range members {
		if m.Active && len(m.Roles) == 0 {
			out = append(out, Task{Title: "Give " + m.Name + " a role", Href: "/admin/users/" + m.ID,
				Detail: "They can sign in, but can do nothing until they have a role."})
		}
	}
	return out, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ActorByEmail builds the actor for a user without a sign-in, for the demo loader and jobs that
// act on someone's behalf; it never serves a request.
func (s *Service) ActorByEmail(ctx context.Context, email string) (*access.Actor, error) {
	u, err := s.Store.UserByEmail(ctx, NormaliseEmail(email))
	if err != nil {
		return nil, fmt.Errorf("actor %s: %w", email, err)
	}
	o, err := s.Store.Org(ctx, u.OrgID)
	if err != nil {
		return nil, fmt.Errorf("organisation of %s: %w", email, err)
	}
	to, err := s.Store.SucceededBy(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	id, err := s.identity(ctx, signedIn{User: u, Org: o, SuccessorOrgID: &to})
	if err != nil {
		return nil, err
	}
	return s.Actor(id), nil
}

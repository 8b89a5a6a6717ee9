package tenants

import (
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golive/tenants/access"
)

// Lifetimes of what sign-in hands out.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 12 * time.Hour
	InvitationTTL   = 7 * 24 * time.Hour
	ResetTTL        = time.Hour
	// Sign-in failures (AttemptLimits): an account locks for 15 minutes after 5 (OWASP's
	// suggestion for a lock-out); an address after DefaultAddressFailures unless configured.
	AttemptWindow      = 15 * time.Minute
	MaxAccountFailures = 5
	// DefaultAddressFailures is sized for a shared NHS network, where one address (an HSCN or
	// trust gateway) can front hundreds of staff of many organisations: 300 sign-ins in a quarter of
	// an hour with one in five mistyped is 60 failures, well under it. An attacker from one address still
	// gets only 100 guesses in 15 minutes across all accounts, and 5 on any one account.
	DefaultAddressFailures = 100
)

// NetworkOf is what the per-address attempt limits count by: an IPv4 address, or the /64 of an
// IPv6 one, since one IPv6 subscriber is handed a whole /64 and could otherwise take a fresh
// address for every attempt. Anything that is not an address is counted as itself.
func NetworkOf(ip string) string {
	a := net.ParseIP(ip)
	if a == nil {
		return ip
	}
	if v4 := a.To4(); v4 != nil {
		return v4.String()
	}
	return (&net.IPNet{IP: a.Mask(net.CIDRMask(64, 128)), Mask: net.CIDRMask(64, 128)}).String()
}

// RolesFor lists the roles an organisation of kind k may grant: a bidder can only be a provider's
// person, a Healthwatch evaluator only Healthwatch's, so a role can never cross into another kind.
func RolesFor(k OrgKind) []access.Role {
	switch k {
	case Commissioner:
		return []access.Role{access.RoleTenantAdmin, access.RoleProcurementLead, access.RoleEvaluator, access.RoleApprover, access.RoleObserver}
	case Provider:
		return []access.Role{access.RoleTenantAdmin, access.RoleBidder}
	case Healthwatch:
		return []access.Role{access.RoleTenantAdmin, access.RoleHealthwatch}
	case Platform:
		return []access.Role{access.RolePlatformAdmin}
	}
	return nil
}

// CheckRoles parses role keys from a form or the API, and returns a message when they are not
// all grantable in an organisation of kind k.
func CheckRoles(k OrgKind, keys []string) ([]access.Role, string) {
	if len(keys) == 0 {
		return nil, "Select at least one role"
	}
	allowed := RolesFor(k)
	roles := make([]access.Role, 0, len(keys))
	for _, key := range keys {
		r, ok := access.ParseRole(key)
		if !ok || !slices.Contains(allowed, r) {
			return nil, fmt.Sprintf("A %s organisation cannot grant the role %q", k, key)
		}
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	return roles, ""
}

// ParseRoles reads stored role keys (an invitation's), skipping any golive no longer knows.
func ParseRoles(keys []string) []access.Role {
	out := make([]access.Role, 0, len(keys))
	for _, k := range keys {
		if r, ok := access.ParseRole(k); ok {
			out = append(out, r)
		}
	}
	return out
}

// RoleKeys are roles as stored.
func RoleKeys(roles []access.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = r.Key()
	}
	return out
}

// NormaliseEmail lower-cases and trims an address, so that one person has one account.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CheckEmail returns a message when s is not a single plain address.
func CheckEmail(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "Enter an email address in the correct format, like name@example.nhs.uk"
	}
	return ""
}

// CheckPassword applies NCSC guidance: length over complexity, and not the obvious.
func CheckPassword(pw, email string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < 12:
		return "Password must be 12 characters or more"
	case n > 200:
		return "Password must be 200 characters or fewer"
	case strings.EqualFold(pw, email):
		return "Password must not be your email address"
	case commonPasswords[strings.ToLower(pw)]:
		return "Password is too common: choose another"
	}
	return ""
}

var commonPasswords = map[string]bool{"password1234": true, "123456789012": true, "qwertyuiopas": true,
	"passwordpassword": true, "letmeinletmein": true, "changemechangeme": true}

// SessionExpired reports whether a session has passed its idle or absolute limit at now.
func SessionExpired(s Session, now time.Time) bool {
	return !now.Before(s.ExpiresAt) || !now.Before(s.LastSeenAt.Add(SessionIdle))
}

// CanChangeMember says whether admin (a user of orgID with roles adminRoles) may change target's
// roles or status; the last rule stops an admin locking their organisation out by accident.
func CanChangeMember(adminID string, target Member, newRoles []access.Role, deactivate bool) string {
	if target.ID == adminID {
		if deactivate {
			return "You cannot deactivate your own account"
		}
		if slices.Contains(target.Roles, access.RoleTenantAdmin) && !slices.Contains(newRoles, access.RoleTenantAdmin) {
			return "You cannot remove your own organisation admin role"
		}
	}
	return ""
}

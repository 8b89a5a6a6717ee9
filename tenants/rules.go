package tenants

import (
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Lifetimes of what sign-in hands out.
const (
	SessionIdle     = 2 * time.Hour
	SessionAbsolute = 12 * time.Hour
	InvitationTTL   = 7 * 24 * time.Hour
	ResetTTL        = time.Hour
	// Sign-in attempts: an account locks after 5 failures in 15 minutes; an address after 30 attempts.
	AttemptWindow      = 15 * time.Minute
	MaxAccountFailures = 5
	MaxAddressAttempts = 30
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
func RolesFor(k OrgKind) []string {
	switch k {
	case Commissioner:
		return []string{RoleTenantAdmin, RoleProcurementLead, RoleEvaluator, RoleApprover, RoleObserver}
	case Provider:
		return []string{RoleTenantAdmin, RoleBidder}
	case Healthwatch:
		return []string{RoleTenantAdmin, RoleHealthwatch}
	case Platform:
		return []string{RolePlatformAdmin}
	}
	return nil
}

// CheckRoles returns a message when roles are not all grantable in an organisation of kind k.
func CheckRoles(k OrgKind, roles []string) string {
	if len(roles) == 0 {
		return "Choose at least one role"
	}
	allowed := RolesFor(k)
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			return fmt.Sprintf("A %s organisation cannot grant the role %q", k, r)
		}
	}
	return ""
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
func CanChangeMember(adminID string, target Member, newRoles []string, deactivate bool) string {
	if target.ID == adminID {
		if deactivate {
			return "You cannot deactivate your own account"
		}
		if slices.Contains(target.Roles, RoleTenantAdmin) && !slices.Contains(newRoles, RoleTenantAdmin) {
			return "You cannot remove your own organisation admin role"
		}
	}
	return ""
}

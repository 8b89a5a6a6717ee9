// Package tenants is who is who in golive: organisations (commissioners are the tenants;
// providers, Healthwatch and the platform sit beside them), their people, sign-in, sessions,
// API tokens, and the roles casbin enforces with each organisation as a domain.
package tenants

import (
	"time"

	"golive/tenants/access"
)

// OrgKind is what an organisation is to golive (access.OrgKind: services read it from the actor).
type OrgKind = access.OrgKind

const (
	Commissioner = access.Commissioner
	Provider     = access.Provider
	Healthwatch  = access.Healthwatch
	Platform     = access.Platform
)

// Organisation is one body that people belong to.
type Organisation struct {
	ID        string `gorm:"primaryKey"`
	Name      string
	Kind      OrgKind
	ODSCode   string `gorm:"column:ods_code"`
	CreatedAt time.Time
	// Identifiers and status (migration 00018, tenants/identifiers.go): "" when absent.
	LegalForm            LegalForm
	CompaniesHouseNumber string
	CharityNumber        string
	DeactivatedAt        *time.Time
	SuspendedAt          *time.Time
	SelfRegistered       bool
}

// User is a person; they belong to exactly one organisation.
type User struct {
	ID           string `gorm:"primaryKey"`
	OrgID        string
	Email        string
	Name         string
	PasswordHash string
	Active       bool `gorm:"default:true"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastSignInAt *time.Time
}

// Session is a signed-in browser; ID is the SHA-256 of the cookie value, so a copy of the
// database cannot be replayed as a cookie.
type Session struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	OrgID      string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// Invitation is a one-time link to join an organisation with given roles.
type Invitation struct {
	ID         string `gorm:"primaryKey"`
	OrgID      string
	Email      string
	Name       string
	Roles      string // comma-separated role keys
	TokenHash  string
	InvitedBy  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// PasswordReset is a one-time link to set a new password.
type PasswordReset struct {
	TokenHash string `gorm:"primaryKey"`
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// APIToken lets a program act as its user on /api/v1; only its hash is kept.
type APIToken struct {
	ID         string `gorm:"primaryKey"`
	UserID     string
	OrgID      string
	Name       string
	Prefix     string // the first characters, shown so people can tell tokens apart
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Member is a user with their roles, as the admin pages show them.
type Member struct {
	User
	Roles []access.Role
}

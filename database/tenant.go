package database

import (
	"context"
	"errors"

	"gorm.io/gorm"
)

// ErrNoTenant stops a tenant-scoped query that was given no organisation: it must fail, never
// return every tenant's rows.
var ErrNoTenant = errors.New("tenant-scoped query without an organisation in context")

type tenantKey struct{}

// WithTenant records the acting organisation for tenant-scoped queries. Only the sign-in
// middleware (and jobs acting for a stored organisation) call it.
func WithTenant(ctx context.Context, orgID string) context.Context {
	return context.WithValue(ctx, tenantKey{}, orgID)
}

// TenantFrom returns the acting organisation, if any.
func TenantFrom(ctx context.Context) (string, bool) {
	id, ok := ctx.Value(tenantKey{}).(string)
	return id, ok && id != ""
}

// Tenant is the one scope every tenant query goes through: it filters column by the acting
// organisation and fails the query when there is none.
func Tenant(ctx context.Context, column string) func(*gorm.DB) *gorm.DB {
	return func(db *gorm.DB) *gorm.DB {
		id, ok := TenantFrom(ctx)
		if !ok {
			_ = db.AddError(ErrNoTenant)
			return db
		}
		return db.Where(column+" = ?", id)
	}
}

// TenantArg is the acting organisation as an argument of a statement written out whole (a
// Read), which Tenant cannot scope: it fails as Tenant does when there is none.
func TenantArg(ctx context.Context) (string, error) {
	id, ok := TenantFrom(ctx)
	if !ok {
		return "", ErrNoTenant
	}
	return id, nil
}

// Tx runs fn in one transaction.
func (d *DB) Tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.Gorm.WithContext(ctx).Transaction(fn)
}

// Package migrations holds golive's versioned SQL migrations, one portable set for SQLite and
// PostgreSQL (TEXT ids, BOOLEAN, TIMESTAMP in UTC), embedded in the binary and applied by it.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS

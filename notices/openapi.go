package notices

import _ "embed"

// OpenAPI describes the public /api/v1/ocds routes (merged by cmd/golive/openapi.go).
//
//go:embed openapi.json
var OpenAPI []byte

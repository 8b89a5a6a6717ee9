package record

import _ "embed"

// OpenAPI describes this package's /api/v1 route.
//
//go:embed openapi.json
var OpenAPI []byte

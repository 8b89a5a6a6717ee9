package evaluation

import _ "embed"

// OpenAPI describes this package's /api/v1 routes.
//
//go:embed openapi.json
var OpenAPI []byte

package tenants

import _ "embed"

// OpenAPI describes this package's /api/v1 routes.
//
//go:embed openapi.json
var OpenAPI []byte

// OpenAPIPlatform describes the platform admin's /api/v1/platform routes.
//
//go:embed openapi_platform.json
var OpenAPIPlatform []byte

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

// OpenAPISuccessions describes /api/v1/platform/successions (succession_web.go).
//
//go:embed succession_openapi.json
var OpenAPISuccessions []byte

package mobilisation

import _ "embed"

// OpenAPI describes this package's /api/v1/mobilisation routes (merged by cmd/golive/openapi.go).
//
//go:embed openapi.json
var OpenAPI []byte

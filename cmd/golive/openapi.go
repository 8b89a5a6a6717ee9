package main

import (
	_ "embed"

	"golive/audit/auditweb"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/lots"
	"golive/mobilisation"
	"golive/notices"
	"golive/record"
	"golive/tenants"
	"golive/web"
)

//go:embed openapi_base.json
var openapiBase []byte

// buildOpenAPI is the API description served at /api/v1/openapi.json; a test checks it lists
// exactly the routes the app serves.
func buildOpenAPI() ([]byte, error) {
	return web.MergeOpenAPI(openapiBase, tenants.OpenAPI, tenants.OpenAPIPlatform, tenants.OpenAPISuccessions, auditweb.OpenAPI, lots.OpenAPI, evaluation.OpenAPI, award.OpenAPI, mobilisation.OpenAPI, mobilisation.OpenAPIInbox, record.OpenAPI, notices.OpenAPI)
}

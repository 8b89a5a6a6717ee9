package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTheLowerLayersNeedNoWebPagesOrFeature keeps the layers apart (issue 12, item 5): what every
// feature builds on (the error type, the database, the UK clock, typed access, the audit chain,
// the worker and its outbox) imports neither HTTP plumbing (web), pages (frontend) nor any
// feature, so a worker, a store or `golive audit verify` builds and is tested without them. Their
// pages and API sit one level up, in audit/auditweb and jobs/jobsweb. The answer is go list's, as
// a reviewer would ask it.
func TestTheLowerLayersNeedNoWebPagesOrFeature(t *testing.T) {
	low := []string{"golive/apperr", "golive/database", "golive/migrations", "golive/ukclock",
		"golive/tenants/access", "golive/audit", "golive/jobs"}
	above := []string{"golive/web", "golive/frontend", "golive/tenants", "golive/lots", "golive/evaluation",
		"golive/mobilisation", "golive/audit/auditweb", "golive/jobs/jobsweb"}
	for _, pkg := range low {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "golive/tenants/access" { // the typed roles, below tenants itself
				continue
			}
			for _, a := range above {
				if dep == a || strings.HasPrefix(dep, a+"/") {
					t.Errorf("%s needs %s: a lower layer must not import web, pages or a feature", pkg, dep)
				}
			}
		}
	}
}

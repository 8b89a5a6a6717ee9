package mobilisation_test

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"golive/mobilisation"
	"golive/tenants/access"
	"golive/web"
)

// The OpenAPI fragment says what the API does: every route it serves and no other, every
// reference resolvable, and every schema with exactly the fields of the Go type it describes.

func TestTheOpenAPIFragmentDescribesExactlyTheRoutesAndTypes(t *testing.T) {
	base, err := os.ReadFile("../cmd/golive/openapi_base.json")
	if err != nil {
		t.Fatal(err)
	}
	merged, err := web.MergeOpenAPI(base, mobilisation.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(merged, &doc); err != nil {
		t.Fatal(err)
	}

	// The routes: mounted on an app with guards that let everything through.
	app := fiber.New()
	pass := func(access.Permission) fiber.Handler { return func(c *fiber.Ctx) error { return c.Next() } }
	(&mobilisation.API{Svc: &mobilisation.Service{}}).Mount(app.Group("/api/v1"), pass)
	param := regexp.MustCompile(`:([a-z_]+)`)
	served, documented := map[string]bool{}, map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		if r.Method != "HEAD" && strings.HasPrefix(r.Path, "/api/v1/mobilisation") {
			served[r.Method+" "+param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")] = true
		}
	}
	for p, ops := range doc.Paths {
		if !strings.HasPrefix(p, "/mobilisation") {
			continue
		}
		for m, op := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
			var o struct {
				OperationID string `json:"operationId"`
				Parameters  []struct {
					Name, In string
				} `json:"parameters"`
				Responses map[string]json.RawMessage `json:"responses"`
			}
			if err := json.Unmarshal(op, &o); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, prm := range o.Parameters {
				names = append(names, prm.Name)
			}
			for _, want := range param.FindAllStringSubmatch(strings.NewReplacer("{", ":", "}", "").Replace(p), -1) {
				if !slices.Contains(names, want[1]) {
					t.Errorf("%s %s does not describe its path parameter %s", m, p, want[1])
				}
			}
			if o.OperationID == "" || o.Responses["401"] == nil || o.Responses["403"] == nil {
				t.Errorf("%s %s lacks an operationId or its 401/403 answers", m, p)
			}
		}
	}
	var missing, extra []string
	for r := range served {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 || len(served) < 20 {
		t.Fatalf("served but not documented: %v\ndocumented but not served: %v (%d served)", missing, extra, len(served))
	}

	// Every reference resolves.
	for _, ref := range regexp.MustCompile(`"\$ref":\s*"#/components/([a-zA-Z]+)/([A-Za-z0-9]+)"`).FindAllStringSubmatch(string(merged), -1) {
		if doc.Components[ref[1]][ref[2]] == nil {
			t.Errorf("unresolved reference #/components/%s/%s", ref[1], ref[2])
		}
	}

	// Every schema has the Go type's fields, no more, no fewer.
	types := map[string]any{
		"MobOrg": mobilisation.OrgJSON{}, "MobWorkstream": mobilisation.WorkstreamJSON{}, "MobDecision": mobilisation.DecisionJSON{},
		"MobPhase": mobilisation.PhaseJSON{}, "MobMilestone": mobilisation.MilestoneJSON{}, "MobPlan": mobilisation.PlanJSON{},
		"MobMilestoneRef": mobilisation.MilestoneRefJSON{}, "MobNote": mobilisation.NoteJSON{}, "MobEvidence": mobilisation.EvidenceJSON{},
		"MobMilestoneDetail": mobilisation.MilestoneDetailJSON{}, "MobPhaseCard": mobilisation.PhaseCardJSON{}, "MobOverdue": mobilisation.OverdueJSON{},
		"MobPlanCard": mobilisation.PlanCardJSON{}, "MobGoLive": mobilisation.GoLiveJSON{}, "MobDashboard": mobilisation.DashboardJSON{},
		"MobTemplateMilestone": mobilisation.TemplateMilestoneJSON{}, "MobTemplateSummary": mobilisation.TemplateSummaryJSON{},
		"MobTemplate": mobilisation.TemplateJSON{}, "MobPlanInput": mobilisation.PlanInput{}, "MobSettingsInput": mobilisation.SettingsInput{},
		"MobMilestoneInput": mobilisation.MilestoneInput{}, "MobMilestoneChange": mobilisation.MilestoneChange{},
		"MobProgressInput": mobilisation.ProgressInput{}, "MobCompletionInput": mobilisation.CompletionInput{},
		"MobAcceptInput": mobilisation.AcceptInput{}, "MobReturnInput": mobilisation.ReturnInput{}, "MobDecisionInput": mobilisation.DecisionInput{},
		"MobTemplateCopyInput": mobilisation.TemplateCopyInput{}, "MobTemplateMilestoneInput": mobilisation.TemplateMilestoneInput{},
		"MobTemplateMilestoneChange": mobilisation.TemplateMilestoneChange{},
	}
	for name, v := range types {
		raw := doc.Components["schemas"][name]
		if raw == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		var sch struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		}
		if err := json.Unmarshal(raw, &sch); err != nil {
			t.Fatal(err)
		}
		var fields, props []string
		rt := reflect.TypeOf(v)
		input := strings.HasSuffix(name, "Input") || strings.HasSuffix(name, "Change")
		for i := 0; i < rt.NumField(); i++ {
			tag := strings.Split(rt.Field(i).Tag.Get("json"), ",")[0]
			fields = append(fields, tag)
			// Answers always carry every field; a request must send what the validator requires.
			if req := slices.Contains(sch.Required, tag); req != (!input || strings.Contains(rt.Field(i).Tag.Get("validate"), "required")) {
				t.Errorf("%s.%s: required is %v in the schema", name, tag, req)
			}
		}
		for p := range sch.Properties {
			props = append(props, p)
		}
		sort.Strings(fields)
		sort.Strings(props)
		if !slices.Equal(fields, props) {
			t.Errorf("%s: the schema has %v, the Go type %v", name, props, fields)
		}
	}
}

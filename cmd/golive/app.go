package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"golive/audit/auditweb"
	"golive/database"
	"golive/evaluation"
	"golive/evaluation/award"
	"golive/frontend"
	"golive/jobs"
	"golive/jobs/jobsweb"
	"golive/lots"
	"golive/mobilisation"
	"golive/notices"
	"golive/record"
	"golive/tenants"
	"golive/tenants/access"
	"golive/web"
)

// App is golive built from its configuration: the one place dependencies are wired.
type App struct {
	Cfg      Config
	Log      *slog.Logger
	DB       *database.DB
	Redis    *redis.Client
	Metrics  *web.Metrics
	Authz    *tenants.Authorizer
	Tenants  *tenants.Service
	Lots     *lots.Service
	Eval     *evaluation.Service
	Award    *award.Service
	Mob      *mobilisation.Service
	Record   *record.Service
	Succ     *tenants.Successions // NHS reorganisations, applied across the features
	Notices  *notices.Service
	Jobs     *jobs.Client
	Mailer   jobs.Mailer
	Fiber    *fiber.App
	closers  []func()
	redisURL string
}

// newApp opens the database (applying migrations), Redis (starting the embedded one when
// none is configured), and builds the services and the HTTP app.
func newApp(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	a := &App{Cfg: cfg, Log: log, Metrics: web.NewMetrics()}
	ok := false
	defer func() {
		if !ok {
			a.Close()
		}
	}()
	if err := a.Cfg.ensureSecret(); err != nil {
		return nil, err
	}
	db, err := database.Open(cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a.DB = db
	a.closers = append(a.closers, func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}

	a.redisURL = cfg.RedisURL
	if cfg.Embedded() {
		url, stop, err := jobs.StartEmbeddedRedis()
		if err != nil {
			return nil, fmt.Errorf("start embedded redis: %w", err)
		}
		a.redisURL = url
		a.closers = append(a.closers, stop)
	}
	opt, err := redis.ParseURL(a.redisURL)
	if err != nil {
		return nil, fmt.Errorf("GOLIVE_REDIS_URL: %w", err)
	}
	a.Redis = redis.NewClient(opt)
	a.closers = append(a.closers, func() { a.Redis.Close() })
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.Redis.Ping(pingCtx).Err(); err != nil {
		return nil, fmt.Errorf("connect to redis at %s: %w", opt.Addr, err)
	}

	if a.Authz, err = tenants.NewAuthorizer(ctx, db.Gorm, a.Redis, log); err != nil {
		return nil, err
	}
	watchCtx, stopWatch := context.WithCancel(context.Background())
	a.Authz.Watch(watchCtx)
	a.closers = append(a.closers, stopWatch)
	if a.Jobs, err = jobs.NewClient(a.redisURL); err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { a.Jobs.Close() })
	if a.Mailer, err = jobs.NewMailer(cfg.SMTPURL, cfg.MailFrom); err != nil {
		return nil, err
	}
	a.Tenants = &tenants.Service{Store: tenants.NewStore(db), Authz: a.Authz, Redis: a.Redis, Mail: a.Jobs,
		Secret: a.Cfg.Secret, BaseURL: cfg.BaseURL, Now: cfg.Now, Log: log,
		Limits: tenants.AttemptLimits{AddressFailures: cfg.SignInAddressLimit}}
	a.Lots = &lots.Service{Store: lots.NewStore(db), Authz: a.Authz, Mail: a.Jobs, Secret: a.Cfg.Secret,
		OldSecret: a.Cfg.OldSecret, BaseURL: cfg.BaseURL, Now: cfg.Now, Log: log}
	a.Eval = &evaluation.Service{Store: evaluation.NewStore(db), Lots: a.Lots, Now: cfg.Now}
	a.Award = &award.Service{Store: award.NewStore(db), Eval: a.Eval, People: tenants.NewDirectory(db), Mail: a.Jobs,
		BaseURL: cfg.BaseURL, Now: cfg.Now, Log: log}
	a.Eval.Awards = a.Award // the award builds on the evaluation; evaluation asks it through this
	a.Lots.Contracted = a.Award.ContractedLots
	// The record of a procurement: each package that owns part of it exports its sections.
	a.Record = &record.Service{DB: db.Gorm, Headers: a.Lots, Providers: []record.Provider{a.Lots, a.Eval, a.Award},
		People: tenants.NewDirectory(db), Now: cfg.Now}
	a.Mob = &mobilisation.Service{Store: mobilisation.NewStore(db), Contracts: a.Award, Mail: a.Jobs, BaseURL: cfg.BaseURL, Now: cfg.Now, Log: log}
	if err := a.Mob.EnsureDefaultTemplate(ctx); err != nil {
		return nil, err
	}
	// A contract award makes the lot's mobilisation plan; if that fails the award stands, and the
	// lead makes the plan with POST /api/v1/mobilisation/plans (idempotent).
	a.Award.AfterContract = func(ctx context.Context, actor *access.Actor, lotID string) {
		if _, _, err := a.Mob.EnsurePlan(ctx, actor, lotID, ""); err != nil {
			a.Log.Warn("make the mobilisation plan after the contract award", "lot", lotID, "err", err)
		}
	}
	a.Succ = &tenants.Successions{Svc: a.Tenants, Movers: []tenants.Mover{
		{Name: "procurements", Move: lots.Succeed},
		{Name: "panels", Move: evaluation.Succeed},
		{Name: "awards", Move: award.Succeed},
		{Name: "mobilisation", Move: mobilisation.Succeed},
	}}
	// Public notices: each lifecycle service calls its hook after its event commits; the hooks
	// are plain funcs, so lots, the award and mobilisation never import notices.
	a.Notices = &notices.Service{Store: notices.NewStore(db), Source: newNoticeSource(db), Prefix: cfg.OCIDPrefix,
		BaseURL: cfg.BaseURL, Now: cfg.Now, Log: log}
	a.Lots.OnPublished = a.Notices.Hook("tender", a.Notices.TenderPublished)
	a.Award.OnStandstill = a.Notices.Hook("award", a.Notices.StandstillStarted)
	a.Award.OnContract = a.Notices.Hook("contract", a.Notices.ContractAwarded)
	a.Mob.OnLive = a.Notices.Hook("implementation", a.Notices.PhaseLive)
	if err := a.buildHTTP(); err != nil {
		return nil, err
	}
	ok = true
	return a, nil
}

// Close releases everything in reverse order of opening.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

// newWorker builds the asynq worker with every feature's task handlers.
func (a *App) newWorker() (*jobs.Worker, error) {
	w, err := jobs.NewWorker(jobs.WorkerConfig{DB: a.DB, RedisURL: a.redisURL, Mailer: a.Mailer,
		Jobs: a.Metrics, Logger: a.Log, Concurrency: 10})
	if err != nil {
		return nil, err
	}
	reminders := &mobilisation.Reminders{Store: mobilisation.NewStore(a.DB), Queue: w.Client(), Mail: w, BaseURL: a.Cfg.BaseURL,
		Now: a.Cfg.Now, Log: a.Log, Parallel: 8}
	if err := reminders.Register(w, mobilisation.ScanEveryMinute); err != nil {
		w.Shutdown()
		return nil, err
	}
	if err := a.Succ.Register(w); err != nil {
		w.Shutdown()
		return nil, err
	}
	// What fell due while no worker ran (or before GOLIVE_NOW's date) is applied before the first
	// page is served, not a minute later: a page never shows a reorganisation half-known.
	if _, err := a.Succ.ApplyDue(context.Background()); err != nil {
		a.Log.Error("apply the successions due", "err", err)
	}
	return w, nil
}

func (a *App) buildHTTP() error {
	renderer, err := frontend.New()
	if err != nil {
		return err
	}
	mw := &tenants.Middleware{Svc: a.Tenants, Secure: a.Cfg.Secure(), CSRFExempt: []string{jobsweb.MonitorPath + "/"}}
	srv := &web.Server{Renderer: renderer, Logger: a.Log, Metrics: a.Metrics, Can: mw.Can,
		Secure: a.Cfg.Secure(), BaseURL: a.Cfg.BaseURL,
		// The menu offers each person only what their role uses (issue 14 item 7): the work first,
		// then administration. Procurements are commissioners' (a provider's or Healthwatch's admin
		// would find an empty list); mobilisation and the inbox are for those who can be on a plan.
		// TestMenuOffersEachRoleWhatItUses holds every role's menu.
		Nav: []web.NavItem{
			{Label: "Dashboard", Href: "/", Perm: access.PermDashboard},
			{Label: "Procurements", Href: "/procurements", Perm: access.PermProcView, Kinds: []access.OrgKind{access.Commissioner}},
			{Label: "Opportunities", Href: "/opportunities", Perm: access.PermOpportunity},
			{Label: "Evaluations", Href: "/evaluations", Perm: access.PermEvaluate},
			{Label: "Mobilisation", Href: "/mobilisation", Perm: access.PermPlanView, Kinds: []access.OrgKind{access.Commissioner, access.Provider}},
			{Label: "Inbox", Href: "/inbox", Perm: access.PermInbox, Kinds: []access.OrgKind{access.Commissioner, access.Provider}},
			{Label: "Users", Href: "/admin/users", Perm: access.PermUsersManage},
			{Label: "Audit log", Href: "/admin/audit", Perm: access.PermAuditRead},
			{Label: "Organisations", Href: "/platform/organisations", Perm: access.PermOrganisations},
			{Label: "Successions", Href: "/platform/successions", Perm: access.PermSuccessions},
			{Label: "Mail outbox", Href: "/platform/outbox", Perm: access.PermOutbox},
			{Label: "Jobs", Href: "/platform/jobs", Perm: access.PermJobs},
		},
		// API tokens are the person's own, beside their name, and only for roles that use the API.
		Account: []web.NavItem{
			{Label: "API tokens", Href: "/account/tokens", Perm: access.PermOwnTokens},
		}}
	app := srv.NewApp(web.Options{TrustedProxies: a.Cfg.TrustedProxies})
	a.Fiber = app

	// Public: probes, assets, the API description; metrics to this machine or a bearer token.
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", a.ready)
	app.Get("/metrics", web.MetricsAccess(a.Cfg.MetricsToken), adaptor.HTTPHandler(promhttp.HandlerFor(a.Metrics.Registry, promhttp.HandlerOpts{})))
	app.Use("/static", filesystem.New(filesystem.Config{Root: frontend.StaticFS(), MaxAge: 3600}))
	openapi, err := buildOpenAPI()
	if err != nil {
		return err
	}
	app.Get("/api/v1/openapi.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(openapi)
	})

	// Public notices: anyone, signed in or not, reads only what was published.
	(&notices.Web{Svc: a.Notices, Server: srv}).Mount(app)

	// The memo after sign-in: a session touched (once a minute) would turn it off for the request.
	app.Use(mw.Authenticate, mw.CSRF, web.Memo)
	pages := &tenants.Pages{Svc: a.Tenants, Web: srv, MW: mw, Tasks: []tenants.TaskSource{a.Tenants.AdminTasks, a.Tenants.PlatformTasks, a.Lots.Tasks, a.Eval.Tasks, a.Award.Tasks, a.Mob.Tasks}}
	guard := web.Guard(mw.Require)
	pages.MountPublic(app)

	api := app.Group("/api/v1")
	(&tenants.API{Svc: a.Tenants}).Mount(api, mw)
	// The log names its actors through tenants, which owns the users table.
	auditH := auditweb.NewHandlers(a.DB, srv, tenants.NewDirectory(a.DB))
	auditH.MountAPI(api.Group("/audit", mw.Require(access.PermAuditRead)))
	(&lots.API{Svc: a.Lots}).Mount(api, guard)
	(&evaluation.API{Svc: a.Eval}).Mount(api, guard)
	(&award.API{Svc: a.Award}).Mount(api, guard)
	(&mobilisation.API{Svc: a.Mob}).Mount(api, guard)
	(&mobilisation.InboxAPI{Svc: a.Mob}).Mount(api, guard)
	(&record.Handlers{Svc: a.Record}).Mount(app, api, guard)

	pages.Mount(app)
	(&tenants.SuccessionWeb{Svc: a.Succ, Web: srv}).Mount(app, api, mw)
	(&lots.Pages{Svc: a.Lots, Web: srv, Progress: a.Mob.LotProgress(a.Award), Outcome: a.Award.OutcomeOf}).Mount(app, guard)
	(&evaluation.Pages{Svc: a.Eval, Web: srv}).Mount(app, guard)
	(&award.Pages{Svc: a.Award, Web: srv}).Mount(app, guard)
	(&mobilisation.Pages{Svc: a.Mob, Web: srv}).Mount(app, guard)
	(&mobilisation.InboxPages{Svc: a.Mob, Web: srv}).Mount(app, guard)
	auditH.MountPages(app.Group("/admin/audit", mw.Require(access.PermAuditRead)))
	jobsH := &jobsweb.Handlers{Outbox: jobs.NewOutbox(a.DB), Server: srv}
	jobsH.MountPages(app.Group("/platform/outbox", mw.Require(access.PermOutbox)))
	// The monitor first: the Jobs page's group would otherwise also answer its paths.
	app.Use(jobsweb.MonitorPath, mw.Require(access.PermJobs), jobsweb.AsynqmonHandler(a.redisURL, jobsweb.MonitorPath))
	jobsH.MountMonitorPage(app.Group("/platform/jobs", mw.Require(access.PermJobs)))

	// Anything else: the API answers problem+json 404, pages the NHS.UK 404 page.
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return nil
}

// ready answers 200 only when the database and Redis both answer.
func (a *App) ready(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	var problems []error
	if err := a.DB.Ping(ctx); err != nil {
		problems = append(problems, fmt.Errorf("database: %w", err))
	}
	if err := a.Redis.Ping(ctx).Err(); err != nil {
		problems = append(problems, fmt.Errorf("redis: %w", err))
	}
	if len(problems) > 0 {
		a.Log.Warn("not ready", "err", errors.Join(problems...))
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "problems": len(problems)})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

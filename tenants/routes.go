package tenants

import (
	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
)

// MountPublic registers the pages anyone may open: sign-in and the one-time links.
func (p *Pages) MountPublic(app fiber.Router) {
	app.Get("/sign-in", p.signInForm)
	app.Post("/sign-in", p.signIn)
	app.Get("/forgot-password", p.forgotForm)
	app.Post("/forgot-password", p.forgot)
	app.Get("/reset-password/:token", p.resetForm)
	app.Post("/reset-password/:token", p.reset)
	app.Get("/invitations/:token", p.invitationForm)
	app.Post("/invitations/:token", p.acceptInvitation)
	app.Get("/register", p.registerForm)
	app.Post("/register", p.register)
	app.Get("/register/:token", p.confirmRegistrationForm)
	app.Post("/register/:token", p.confirmRegistration)
}

// Mount registers the signed-in pages, each group behind the permission it needs.
func (p *Pages) Mount(app fiber.Router) {
	mw := p.MW
	app.Post("/sign-out", mw.Require(access.PermDashboard), p.signOut)
	app.Get("/", mw.Require(access.PermDashboard), p.dashboard)

	tokens := app.Group("/account/tokens", mw.Require(access.PermOwnTokens))
	tokens.Get("/", p.tokens)
	tokens.Post("/", p.createToken)
	tokens.Post("/:id/revoke", p.revokeToken)

	admin := app.Group("/admin/users", mw.Require(access.PermUsersManage))
	admin.Get("/", p.users)
	admin.Get("/invite", p.inviteForm)
	admin.Post("/invite", p.invite)
	admin.Get("/:id", p.member)
	admin.Post("/:id", p.updateMember)

	// Platform administration: organisations and who belongs to them, never their procurements.
	orgs := app.Group("/platform/organisations", mw.Require(access.PermOrganisations))
	orgs.Get("/", p.platformOrgs)
	orgs.Get("/new", p.newOrgForm)
	orgs.Post("/new", p.createOrg)
	orgs.Get("/:id", p.platformOrg)
	orgs.Get("/:id/edit", p.editOrgForm)
	orgs.Post("/:id/edit", p.editOrg)
	orgs.Post("/:id/status", p.orgStatus)
	orgs.Get("/:id/invite", p.orgInviteForm)
	orgs.Post("/:id/invite", p.orgInvite)
	orgs.Post("/:id/invitations/:inv/resend", p.resendOrgInvitation)
	orgs.Post("/:id/invitations/:inv/revoke", p.revokeOrgInvitation)
}

// Mount registers the API routes under /api/v1.
func (h *API) Mount(api fiber.Router, mw *Middleware) {
	api.Get("/me", mw.Require(access.PermDashboard), h.me)

	users := api.Group("/users", mw.Require(access.PermUsersManage))
	users.Get("/", h.users)
	users.Get("/:id", h.user)
	users.Patch("/:id", h.updateUser)
	api.Post("/invitations", mw.Require(access.PermUsersManage), h.invite)

	tokens := api.Group("/tokens", mw.Require(access.PermOwnTokens))
	tokens.Get("/", h.tokens)
	tokens.Post("/", h.createToken)
	tokens.Delete("/:id", h.revokeToken)

	orgs := api.Group("/platform/organisations", mw.Require(access.PermOrganisations))
	orgs.Get("/", h.platformOrgs)
	orgs.Post("/", h.createPlatformOrg)
	orgs.Get("/:id", h.platformOrg)
	orgs.Patch("/:id", h.updatePlatformOrg)
	orgs.Put("/:id/status", h.setPlatformOrgStatus)
	orgs.Post("/:id/invitations", h.invitePlatformOrg)
	orgs.Post("/:id/invitations/:inv/resend", h.resendPlatformInvitation)
	orgs.Delete("/:id/invitations/:inv", h.revokePlatformInvitation)
}

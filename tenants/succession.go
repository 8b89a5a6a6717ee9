package tenants

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"gorm.io/gorm"

	"golive/apperr"
	"golive/audit"
	"golive/jobs"
	"golive/tenants/access"
	"golive/ukclock"
)

// Successions are NHS reorganisations (issue 13, item 4): the platform admin records that one
// or more organisations are succeeded by another from a date, and the scheduler applies it
// when the date comes, in one transaction across the features that hold the organisations'
// places. Each feature owns its tables (migrations.Owners), so each exports a Mover that takes
// the transaction and moves what it owns; tenants moves the people and their roles.
//
// What moves and what stays:
//   - the successor takes the predecessors' places: procurements led or joined, lots, the
//     governing-body decisions still to come (they are asked of a lot's participants), contracts
//     and mobilisation plans;
//   - what was done stays with whoever did it: decisions made, audit events, letters, marks,
//     representations. Pages name the maker "NHS Medway CCG (now NHS Kent and Medway ICB)";
//   - sealed bids are never handed on: a bid of a provider succeeded before its lot's opening is
//     withdrawn (still sealed, still in its maker's name, read by nobody), and the successor bids
//     in its own name (lots.Succeed says why);
//   - the predecessors become read-only history: their people who did not move can no longer
//     act for them (SessionIdentity refuses them), their ids and links still resolve.
type Successions struct {
	Svc    *Service
	Movers []Mover
}

// Mover is one feature's part of a succession: in tx, give to the places from held, and return
// how many rows it moved (for the audit event). It must be safe to run again on what it moved
// already, and must never move a sealed bid or another organisation's private data.
type Mover struct {
	Name string
	Move func(ctx context.Context, tx *gorm.DB, from, to string, at time.Time) (int64, error)
}

// TypeSuccessionScan is the periodic task that applies the successions whose date has come.
const TypeSuccessionScan = "succession:scan"

// Register adds the scan to the worker and its scheduler, every minute (so a succession dated
// today is applied within a minute of midnight, or of GOLIVE_NOW passing its date).
func (ss *Successions) Register(w *jobs.Worker) error {
	w.Handle(TypeSuccessionScan, func(ctx context.Context, _ *asynq.Task) error {
		_, err := ss.ApplyDue(ctx)
		return err
	})
	// No retry: the next minute's scan is the retry, and applying is idempotent.
	return w.Schedule("* * * * *", asynq.NewTask(TypeSuccessionScan, nil), asynq.MaxRetry(0), asynq.Timeout(50*time.Second))
}

// SuccessionInput is the form (and API body) that records a succession.
type SuccessionInput struct {
	Predecessors  []string `form:"predecessors" json:"predecessors" validate:"required,min=1,max=20,dive,max=40" label:"the organisations succeeded"`
	Successor     string   `form:"successor" json:"successor" validate:"required,max=40" label:"the successor"`
	EffectiveDate string   `form:"effective_date" json:"effective_date" validate:"required,datetime=2006-01-02" label:"the date it takes effect (YYYY-MM-DD)"`
	Users         string   `form:"users" json:"users" validate:"required,oneof=move invite" label:"what happens to their people"`
	Note          string   `form:"note" json:"note" validate:"max=500" label:"a note"`
}

// SuccessionView is a succession with the names of its organisations, as pages and the API show it.
type SuccessionView struct {
	Succession
	SuccessorName    string
	PredecessorNames []string
	CancelRefusal    string // why it cannot be cancelled; "" when it can
}

func platformOnly(a *access.Actor) error {
	if a == nil || a.OrgKind != access.Platform || !a.HasRole(access.RolePlatformAdmin) {
		return apperr.Forbiddenf("Only the platform admin records successions")
	}
	return nil
}

// List is every succession, latest first.
func (ss *Successions) List(ctx context.Context, a *access.Actor) ([]SuccessionView, error) {
	if err := platformOnly(a); err != nil {
		return nil, err
	}
	list, err := ss.Svc.Store.Successions(ctx)
	if err != nil {
		return nil, err
	}
	return ss.views(ctx, list)
}

// Get is one succession.
func (ss *Successions) Get(ctx context.Context, a *access.Actor, id string) (SuccessionView, error) {
	if err := platformOnly(a); err != nil {
		return SuccessionView{}, err
	}
	if len(id) > 40 {
		return SuccessionView{}, apperr.NotFoundf("Succession not found")
	}
	sc, err := ss.Svc.Store.Succession(ctx, id)
	if err != nil {
		return SuccessionView{}, err
	}
	v, err := ss.views(ctx, []Succession{sc})
	if err != nil {
		return SuccessionView{}, err
	}
	return v[0], nil
}

func (ss *Successions) views(ctx context.Context, list []Succession) ([]SuccessionView, error) {
	var ids []string
	for _, sc := range list {
		ids = append(append(ids, sc.SuccessorOrgID), sc.Predecessors...)
	}
	orgs, err := ss.Svc.Store.orgsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := ss.Svc.Now()
	out := make([]SuccessionView, len(list))
	for i, sc := range list {
		v := SuccessionView{Succession: sc, SuccessorName: orgs[sc.SuccessorOrgID].Name, CancelRefusal: CanCancelSuccession(sc, now)}
		for _, p := range sc.Predecessors {
			v.PredecessorNames = append(v.PredecessorNames, orgs[p].Name)
		}
		out[i] = v
	}
	return out, nil
}

// SuccessionChoices are the organisations a succession may name: commissioners and providers.
func (ss *Successions) SuccessionChoices(ctx context.Context, a *access.Actor) ([]Organisation, error) {
	if err := platformOnly(a); err != nil {
		return nil, err
	}
	return ss.Svc.Store.Orgs(ctx, access.Commissioner, access.Provider)
}

// EffectiveAt is the start of a UK day given as YYYY-MM-DD: a reorganisation takes effect from
// midnight in England ("from 1 April 2020"), whatever the season.
func EffectiveAt(day string) (time.Time, bool) {
	d, err := time.ParseInLocation("2006-01-02", day, ukclock.London)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return time.Time{}, false
	}
	return d.UTC(), true
}

// Schedule records a succession. A date today or past is applied by the next scan (the
// platform admin may record a reorganisation that has already happened).
func (ss *Successions) Schedule(ctx context.Context, a *access.Actor, in SuccessionInput) (Succession, error) {
	if err := platformOnly(a); err != nil {
		return Succession{}, err
	}
	at, ok := EffectiveAt(in.EffectiveDate)
	if !ok {
		return Succession{}, apperr.InvalidFields(map[string]string{"effective_date": "Enter a real date, like 2022-07-01"})
	}
	plan := SuccessionPlan{Predecessors: in.Predecessors, Successor: in.Successor, EffectiveAt: at, Users: UsersChoice(in.Users)}
	now := ss.Svc.Now()
	sc := Succession{ID: NewID(), SuccessorOrgID: in.Successor, EffectiveAt: at, Users: plan.Users, State: SuccessionScheduled,
		Note: strings.TrimSpace(in.Note), CreatedBy: a.UserID, CreatedAt: now, Predecessors: in.Predecessors}
	err := ss.Svc.Store.Tx(ctx, func(tx *Store) error {
		live, err := tx.Successions(ctx)
		if err != nil {
			return err
		}
		for _, id := range append([]string{in.Successor}, in.Predecessors...) {
			if !validOrgID(id) {
				return apperr.InvalidFields(map[string]string{"predecessors": "Choose organisations that exist"})
			}
		}
		orgs, err := tx.orgsByID(ctx, append([]string{in.Successor}, in.Predecessors...))
		if err != nil {
			return err
		}
		if bad := CheckSuccession(plan, orgs, live); len(bad) > 0 {
			return apperr.InvalidFields(bad)
		}
		if err := tx.CreateSuccession(ctx, &sc); err != nil {
			return err
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, Action: "succession.scheduled",
			ObjectType: "succession", ObjectID: sc.ID, Summary: map[string]any{"predecessors": sc.Predecessors,
				"successor": sc.SuccessorOrgID, "effective_at": at, "users": sc.Users}})
	})
	if err != nil {
		return Succession{}, err
	}
	return sc, nil
}

// validOrgID keeps ids that cannot be organisation ids out of the queries (they are UUIDs; the
// bound is what the input allows).
func validOrgID(id string) bool { return id != "" && len(id) <= 40 }

// Cancel withdraws a succession before its date.
func (ss *Successions) Cancel(ctx context.Context, a *access.Actor, id string) (Succession, error) {
	if err := platformOnly(a); err != nil {
		return Succession{}, err
	}
	if len(id) > 40 {
		return Succession{}, apperr.NotFoundf("Succession not found")
	}
	now := ss.Svc.Now()
	err := ss.Svc.Store.Tx(ctx, func(tx *Store) error {
		sc, err := tx.Succession(ctx, id)
		if err != nil {
			return err
		}
		if why := CanCancelSuccession(sc, now); why != "" {
			return apperr.New(apperr.Conflict, why)
		}
		ok, err := tx.CancelSuccession(ctx, id, a.UserID, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.Conflict, "This succession has just taken effect or been cancelled")
		}
		return tx.Audit(ctx, audit.Entry{ActorUserID: a.UserID, ActorOrgID: a.OrgID, Action: "succession.cancelled",
			ObjectType: "succession", ObjectID: id})
	})
	if err != nil {
		return Succession{}, err
	}
	return ss.Svc.Store.Succession(ctx, id)
}

// ApplyDue applies every scheduled succession whose date has come, oldest first, and returns
// how many this call applied. One failing is logged and the others still go.
func (ss *Successions) ApplyDue(ctx context.Context) (int, error) {
	ids, err := ss.Svc.Store.DueSuccessionIDs(ctx, ss.Svc.Now())
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		ok, err := ss.Apply(ctx, id)
		if err != nil {
			ss.Svc.Log.Error("apply succession", "succession", id, "err", err)
			errs = append(errs, err)
			// A later succession in a chain waits for this one: stop, the next scan retries.
			break
		}
		if ok {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// Apply carries out a due succession in one transaction; it reports false, having changed
// nothing, when the succession is not due or was applied or cancelled already.
func (ss *Successions) Apply(ctx context.Context, id string) (bool, error) {
	now := ss.Svc.Now().UTC().Truncate(time.Microsecond)
	var mails []string
	applied := false
	err := ss.Svc.Store.Tx(ctx, func(tx *Store) error {
		won, err := tx.ClaimSuccession(ctx, id, now)
		if err != nil || !won {
			return err
		}
		applied = true
		sc, err := tx.Succession(ctx, id)
		if err != nil {
			return err
		}
		// The roles' lock before the audit chain's, as every change of roles takes them.
		if err := tx.BumpPolicyVersion(ctx); err != nil {
			return err
		}
		moved := map[string]any{}
		for _, from := range sc.Predecessors {
			for _, m := range ss.Movers {
				n, err := m.Move(ctx, tx.db, from, sc.SuccessorOrgID, now)
				if err != nil {
					return fmt.Errorf("succession %s: move %s of %s: %w", id, m.Name, from, err)
				}
				moved[m.Name] = toInt(moved[m.Name]) + n
			}
			people, queued, err := ss.movePeople(ctx, tx, sc, from, now)
			if err != nil {
				return err
			}
			mails = append(mails, queued...)
			moved["people"] = toInt(moved["people"]) + people
			if err := tx.Audit(ctx, audit.Entry{ActorOrgID: from, TenantID: from, Action: "organisation.succeeded",
				ObjectType: "organisation", ObjectID: from, Summary: map[string]any{"succession": id, "successor": sc.SuccessorOrgID}}); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, audit.Entry{ActorOrgID: sc.SuccessorOrgID, TenantID: sc.SuccessorOrgID, Action: "succession.applied",
			ObjectType: "succession", ObjectID: id, Summary: map[string]any{"predecessors": sc.Predecessors,
				"effective_at": sc.EffectiveAt, "users": sc.Users, "moved": moved}})
	})
	if err != nil || !applied {
		return false, err
	}
	if err := ss.Svc.Authz.Changed(ctx); err != nil {
		ss.Svc.Log.Warn("reload roles after a succession", "succession", id, "err", err)
	}
	for _, m := range mails {
		ss.Svc.enqueue(ctx, m)
	}
	return true, nil
}

func toInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// movePeople moves (or invites) the predecessor's people, and moves its pending invitations.
func (ss *Successions) movePeople(ctx context.Context, tx *Store, sc Succession, from string, now time.Time) (int64, []string, error) {
	users, err := tx.orgUsers(ctx, from)
	if err != nil {
		return 0, nil, err
	}
	roles, err := tx.Roles(ctx, from)
	if err != nil {
		return 0, nil, err
	}
	toRoles, err := tx.Roles(ctx, sc.SuccessorOrgID)
	if err != nil {
		return 0, nil, err
	}
	if _, err := tx.movePendingInvitations(ctx, from, sc.SuccessorOrgID, now); err != nil {
		return 0, nil, err
	}
	var n int64
	var mails []string
	for _, u := range users {
		switch sc.Users {
		case UsersMove:
			if err := tx.moveUser(ctx, u.ID, from, sc.SuccessorOrgID, roles, toRoles); err != nil {
				return 0, nil, err
			}
			n++
		case UsersInvite:
			if !u.Active || len(roles[u.ID]) == 0 {
				continue
			}
			mail, err := ss.invite(ctx, tx, sc, u, roles[u.ID], now)
			if err != nil {
				return 0, nil, err
			}
			mails = append(mails, mail)
			n++
		}
	}
	return n, mails, nil
}

// invite writes an invitation to the successor for one of the predecessor's people, with the
// roles they held, in the transaction. Accepting it moves their account (AcceptInvitation).
func (ss *Successions) invite(ctx context.Context, tx *Store, sc Succession, u User, roles []access.Role, now time.Time) (string, error) {
	to, err := tx.Org(ctx, sc.SuccessorOrgID)
	if err != nil {
		return "", err
	}
	token, hash := newToken("")
	inv := Invitation{ID: NewID(), OrgID: to.ID, Email: u.Email, Name: u.Name, Roles: strings.Join(RoleKeys(roles), ","),
		TokenHash: hash, InvitedBy: sc.CreatedBy, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL)}
	if err := tx.CreateInvitation(ctx, &inv); err != nil {
		return "", err
	}
	mailID, err := tx.QueueMail(ctx, jobs.Mail{TenantID: to.ID, To: u.Email,
		Subject: "Your organisation is now part of " + to.Name,
		Text: fmt.Sprintf("Hello %s,\n\nFrom %s your organisation's work on golive is carried on by %s. You are invited to join it as %s; your account and its history come with you.\n\nAccept the invitation and choose a password (the link works once, for 7 days):\n%s/invitations/%s\n",
			u.Name, ukDate(sc.EffectiveAt), to.Name, roleList(roles), ss.Svc.BaseURL, token)})
	if err != nil {
		return "", err
	}
	return mailID, tx.Audit(ctx, audit.Entry{ActorOrgID: to.ID, TenantID: to.ID, Action: "user.invited",
		ObjectType: "invitation", ObjectID: inv.ID, Summary: map[string]any{"email": u.Email, "roles": roles, "succession": sc.ID}})
}

// checkNotSucceeded refuses to let anyone act for an organisation that has been succeeded:
// it is history now. The person is told where its work went.
func (s *Service) checkNotSucceeded(ctx context.Context, o Organisation) error {
	to, err := s.Store.SucceededBy(ctx, o.ID)
	if err != nil || to == "" {
		return err
	}
	return s.succeededRefusal(ctx, o, to)
}

// succeededRefusal is the refusal of a sign-in to an organisation succeeded by another.
func (s *Service) succeededRefusal(ctx context.Context, o Organisation, to string) error {
	name := "its successor"
	if succ, err := s.Store.Org(ctx, to); err == nil {
		name = succ.Name
	}
	msg := fmt.Sprintf("%s has been succeeded by %s: ask an admin of %s to invite you", o.Name, name, name)
	return &apperr.Error{Kind: apperr.Unauthenticated, Message: msg, Fields: map[string]string{"email": msg}}
}

// DisplayNames maps organisation ids to their names as pages show them: "NHS Medway CCG (now
// NHS Kent and Medway ICB)" for one succeeded, following the chain to who holds its place today.
func (d *Directory) DisplayNames(ctx context.Context, ids []string) (map[string]string, error) {
	orgs, err := d.s.orgsWithSuccessors(ctx, ids)
	if err != nil {
		return nil, err
	}
	return d.displayNames(ctx, orgs)
}

// displayNames is DisplayNames of the organisations loaded, each with its successor.
func (d *Directory) displayNames(ctx context.Context, orgs map[string]*orgWithSuccessor) (map[string]string, error) {
	out := make(map[string]string, len(orgs))
	if len(orgs) == 0 {
		return out, nil
	}
	// Each organisation comes with its successor: load the successors not loaded yet, and theirs,
	// until the chains end (a statement per step of the longest chain, none when nobody was
	// succeeded). The successors are kept beside orgs, not in a copy of it: most requests name
	// nobody succeeded and need neither.
	var more map[string]*orgWithSuccessor
	org := func(id string) (*orgWithSuccessor, bool) {
		if o, ok := orgs[id]; ok {
			return o, true
		}
		o, ok := more[id]
		return o, ok
	}
	var next map[string]string
	for range len(orgs) + 8 {
		var missing []string
		for _, loaded := range [2]map[string]*orgWithSuccessor{orgs, more} {
			for id, o := range loaded {
				if o.SuccessorOrgID == nil || *o.SuccessorOrgID == "" {
					continue
				}
				if next == nil {
					next = map[string]string{}
				}
				next[id] = *o.SuccessorOrgID
				if _, ok := org(*o.SuccessorOrgID); !ok {
					missing = append(missing, *o.SuccessorOrgID)
				}
			}
		}
		if len(missing) == 0 {
			break
		}
		got, err := d.s.orgsWithSuccessors(ctx, missing)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			break
		}
		if more == nil {
			more = make(map[string]*orgWithSuccessor, len(got))
		}
		maps.Copy(more, got)
	}
	for id, o := range orgs {
		var now string
		if f, ok := org(FinalSuccessor(id, next)); ok {
			now = f.Name
		}
		out[id] = SucceededName(o.Name, now)
	}
	return out, nil
}

// CurrentOrg is the organisation that holds id's place today (id itself if never succeeded).
func (d *Directory) CurrentOrg(ctx context.Context, id string) (string, error) {
	next, err := d.s.AppliedSuccessors(ctx)
	if err != nil {
		return "", err
	}
	return FinalSuccessor(id, next), nil
}

// rejoin moves prev, a person of a succeeded organisation invited by its successor, into the
// successor with the invitation's roles and the password they chose: the same account, so
// what they did before is still theirs in the record.
func (s *Store) rejoin(ctx context.Context, prev, chosen User, roles []access.Role, invitationID string) (User, error) {
	if err := s.BumpPolicyVersion(ctx); err != nil {
		return User{}, err
	}
	from, to := prev.OrgID, chosen.OrgID
	if err := s.moveUser(ctx, prev.ID, from, to, map[string][]access.Role{prev.ID: roles}, nil); err != nil {
		return User{}, err
	}
	prev.OrgID, prev.Name, prev.PasswordHash, prev.Active, prev.UpdatedAt = to, chosen.Name, chosen.PasswordHash, true, chosen.UpdatedAt
	if err := s.UpdateUser(ctx, &prev); err != nil {
		return User{}, err
	}
	return prev, s.Audit(ctx, audit.Entry{ActorUserID: prev.ID, ActorOrgID: to, TenantID: to,
		Action: "user.joined", ObjectType: "user", ObjectID: prev.ID,
		Summary: map[string]any{"email": prev.Email, "roles": roles, "invitation": invitationID, "from": from}})
}

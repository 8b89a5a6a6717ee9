package mobilisation

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"golive/tenants/access"
	"golive/web"
)

// InboxPages are the signed-in person's inbox of reminders and their reminder settings. Every
// route is behind inbox/read (everyone signed in); the scope is the person themselves: the
// service reads and writes only the actor's own messages and choice.
type InboxPages struct {
	Svc *Service
	Web *web.Server
}

// Mount registers the inbox pages.
func (h *InboxPages) Mount(app fiber.Router, guard web.Guard) {
	read := guard(access.PermInbox)
	app.Get("/inbox", read, h.inbox)
	app.Post("/inbox/read", read, h.markRead)
	app.Get("/account/reminders", read, h.settings)
	app.Post("/account/reminders", read, h.saveSettings)
}

// InboxPage is what the inbox shows.
type InboxPage struct {
	Messages           []InboxItem
	Unread, Total      int
	Page, Pages        int
	PrevHref, NextHref string
	PrevPage, NextPage int
	Digest             bool
}

func inboxPage(v InboxView) InboxPage {
	page := InboxPage{Unread: v.Unread, Total: v.Total, Page: v.Page, Pages: v.Pages, Digest: v.Digest,
		PrevPage: v.Page - 1, NextPage: v.Page + 1}
	if v.Page > 1 {
		page.PrevHref = "/inbox?page=" + strconv.Itoa(v.Page-1)
	}
	if v.Page < v.Pages {
		page.NextHref = "/inbox?page=" + strconv.Itoa(v.Page+1)
	}
	for _, m := range v.Messages {
		page.Messages = append(page.Messages, inboxItem(m))
	}
	return page
}

// InboxItem is one message as the page shows it: its text in paragraphs of lines, a line that is
// a path on this site made a link.
type InboxItem struct {
	ID         string
	Subject    string
	Paragraphs [][]InboxLine
	Link       string
	CreatedAt  time.Time
	Unread     bool
}

// InboxLine is a line of a message; Href is set when the line is a link, About says to what.
type InboxLine struct {
	Text, Href, About string
}

func inboxItem(m InboxMessage) InboxItem {
	it := InboxItem{ID: m.ID, Subject: m.Subject, Link: m.Link, CreatedAt: m.CreatedAt, Unread: m.ReadAt == nil}
	for _, para := range strings.Split(strings.TrimSpace(m.Body), "\n\n") {
		var lines []InboxLine
		about, listed := m.Subject, false
		for _, l := range strings.Split(para, "\n") {
			t := strings.TrimSpace(l)
			switch {
			case t == "":
			case strings.HasPrefix(t, "/") && !strings.ContainsAny(t, " \t"):
				// The item it is under says which milestone: it names the link for a screen
				// reader (in a list, the item's first line, its title; else the line before).
				lines = append(lines, InboxLine{Text: "Open this milestone", Href: t, About: about})
			case strings.HasPrefix(t, "- "):
				lines = append(lines, InboxLine{Text: t})
				about, listed = strings.TrimPrefix(t, "- "), true
			default:
				lines = append(lines, InboxLine{Text: t})
				if !listed {
					about = t
				}
			}
		}
		if len(lines) > 0 {
			it.Paragraphs = append(it.Paragraphs, lines)
		}
	}
	return it
}

func (h *InboxPages) inbox(c *fiber.Ctx) error {
	// A page number that is not one shows the first page: there is nothing to correct.
	n, _ := strconv.Atoi(c.Query("page"))
	v, err := h.Svc.InboxPage(c.UserContext(), web.ActorFrom(c), n)
	if err != nil {
		return err
	}
	web.TakeFlash(c)
	return h.Web.Render(c, "mobilisation/inbox", "Inbox", inboxPage(v), nil)
}

func (h *InboxPages) markRead(c *fiber.Ctx) error {
	f := web.NewForm(c)
	in := MarkReadInput{MessageID: strings.TrimSpace(f.Str("message")), All: f.Checked("all")}
	n, err := h.Svc.MarkRead(c.UserContext(), web.ActorFrom(c), in)
	if fields, status := web.FormFields(err); fields != nil {
		v, lerr := h.Svc.Inbox(c.UserContext(), web.ActorFrom(c))
		if lerr != nil {
			return lerr
		}
		return h.Web.Render(c.Status(status), "mobilisation/inbox", "Inbox", inboxPage(v), web.FormWide(fields))
	}
	if err != nil {
		return err
	}
	msg := "Message marked as read."
	switch {
	case in.All && n == 0:
		msg = "There were no unread messages."
	case in.All && n == 1:
		msg = "1 message marked as read."
	case in.All:
		msg = strconv.Itoa(n) + " messages marked as read."
	}
	return web.RedirectFlash(c, "/inbox", msg)
}

// ReminderSettingsPage is the person's reminder choices.
type ReminderSettingsPage struct {
	Digest []web.Option
}

func digestOptions(on string) []web.Option {
	return web.OptionsOf([]string{"yes", "no"}, map[string]string{
		"yes": "Yes, email me a digest every Monday morning",
		"no":  "No, do not send me the weekly digest",
	}, on)
}

func (h *InboxPages) settings(c *fiber.Ctx) error {
	v, err := h.Svc.Inbox(c.UserContext(), web.ActorFrom(c))
	if err != nil {
		return err
	}
	on := "no"
	if v.Digest {
		on = "yes"
	}
	web.TakeFlash(c)
	return h.Web.Render(c, "mobilisation/reminder_settings", "Reminder settings", ReminderSettingsPage{Digest: digestOptions(on)}, nil)
}

func (h *InboxPages) saveSettings(c *fiber.Ctx) error {
	choice := web.NewForm(c).Str("digest")
	var in PreferencesInput
	switch choice {
	case "yes", "no":
		on := choice == "yes"
		in.DigestEnabled = &on
	case "":
	default:
		choice = ""
	}
	_, err := h.Svc.SetPreferences(c.UserContext(), web.ActorFrom(c), in)
	if fields, status := web.FormFields(err); fields != nil {
		if _, ok := fields["digest_enabled"]; ok {
			fields = map[string]string{"digest": "Select whether you want the weekly digest"}
		}
		return h.Web.Render(c.Status(status), "mobilisation/reminder_settings", "Reminder settings",
			ReminderSettingsPage{Digest: digestOptions(choice)}, fields)
	}
	if err != nil {
		return err
	}
	msg := "You will get the weekly digest on Monday mornings."
	if !*in.DigestEnabled {
		msg = "The weekly digest is off. You will still get reminders about due and overdue milestones, and escalations."
	}
	return web.RedirectFlash(c, "/account/reminders", msg)
}

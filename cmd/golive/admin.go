package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"golive/apperr"
	"golive/tenants"
)

const adminHelp = `golive admin create --email E --name N: make a platform admin (and, on an empty install, the
platform organisation) and print a one-time link, valid for 24 hours, to set their password.
Run it again for the same email to print a fresh link: no second user is made, and earlier links
stop working. Run it on the server, with the same environment as golive serve.`

// adminCommand is `golive admin create`: how an empty install gets its first person.
func adminCommand(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stdout, adminHelp)
		return errors.New(`admin: the only subcommand is "create"`)
	}
	fs := flag.NewFlagSet("golive admin create", flag.ContinueOnError)
	fs.SetOutput(stdout)
	email := fs.String("email", "", "the platform admin's email address")
	name := fs.String("name", "", "the platform admin's full name")
	fs.Usage = func() { fmt.Fprintln(stdout, adminHelp); fs.PrintDefaults() }
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("admin create: unexpected %q (quote a name with spaces)", fs.Arg(0))
	}
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	link, created, err := a.Tenants.CreatePlatformAdmin(ctx, *email, *name)
	if err != nil {
		if ae, ok := apperr.As(err); ok {
			for _, m := range ae.Fields {
				return errors.New(m)
			}
			return errors.New(ae.Message)
		}
		return err
	}
	if created {
		fmt.Fprintf(stdout, "Platform admin %s created.\n", tenants.NormaliseEmail(*email))
	} else {
		fmt.Fprintf(stdout, "%s is a platform admin already: here is a fresh link (earlier links no longer work).\n", tenants.NormaliseEmail(*email))
	}
	fmt.Fprintf(stdout, "Set a password within 24 hours, once, at:\n%s\n", link)
	return nil
}

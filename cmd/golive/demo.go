package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"golive/frontend"
	"golive/tenants"
)

func demo(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	created, err := a.Tenants.LoadDemo(ctx)
	if err != nil {
		return err
	}
	orgs, err := a.Tenants.Store.Orgs(ctx)
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, o := range orgs {
		ids[o.Name] = o.ID
	}
	procs, err := a.Lots.LoadDemo(ctx, a.Tenants.ActorByEmail, ids)
	if err != nil {
		return err
	}
	if created || procs {
		fmt.Fprintln(stdout, "Demo loaded: Kent and Medway and Luton and Bedfordshire CCGs, Healthwatch Kent and Medway, four fictional providers;")
		fmt.Fprintln(stdout, "the Kent and Medway IUCS procurement (2 lots, approved by all 8 governing bodies, bid for and opened) and Luton and Bedfordshire's.")
	} else {
		fmt.Fprintln(stdout, "Demo already loaded.")
	}
	printSignIns(stdout, cfg.BaseURL)
	return nil
}

func printSignIns(w io.Writer, baseURL string) {
	fmt.Fprintf(w, "\nSign in at %s/sign-in, password for every demo user: %s\n\n", baseURL, tenants.DemoPassword)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tEMAIL\tORGANISATION")
	seen := map[string]bool{}
	for _, u := range tenants.DemoUsers {
		r := u.Roles[0]
		if seen[r] && !strings.HasPrefix(u.Email, "bids@") {
			continue
		}
		seen[r] = true
		fmt.Fprintf(tw, "%s\t%s\t%s\n", frontend.RoleName(r), u.Email, u.Org)
	}
	tw.Flush()
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	demodata "golive/demo"
	"golive/tenants/access"
)

// demo loads the demo; without successions (-successions=false) it records no reorganisation,
// so that the 2019 bodies stay whatever the clock says (the browser tests' demo, on today's clock).
func demo(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer, successions bool) error {
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	svcs := a.demoServices()
	if !successions {
		svcs.Successions = nil
	}
	res, err := demodata.Load(ctx, svcs)
	if err != nil {
		return err
	}
	if res.Loaded {
		fmt.Fprintln(stdout, "Demo loaded: Kent and Medway and Luton and Bedfordshire CCGs, Healthwatch Kent and Medway, four fictional providers;")
		fmt.Fprintln(stdout, "the Kent and Medway IUCS procurement (2 lots, approved by all 8 governing bodies, bid for and opened) and Luton and Bedfordshire's.")
		fmt.Fprintln(stdout, "Evaluation: Kent and Medway lot 1 awarded (contract KM-IUCS-2018-L1) and lot 2 awarded (KM-IUCS-2018-L2), both from 1 April 2019;")
		fmt.Fprintln(stdout, "Luton and Bedfordshire awarded for five years from 1 April 2017 (contract LB-IUC-2016-01).")
		fmt.Fprintln(stdout, "Mobilisation: Luton and Bedfordshire live since 1 April 2017; Kent and Medway lot 1 mobilising to 1 April 2019 with")
		fmt.Fprintln(stdout, "milestones late and escalated; lot 2 in three phases (1 April and 1 July 2019).")
		fmt.Fprintln(stdout, "Under the Procurement Act 2023: Medway's telephony platform of 2026, published. Public notices of all three at /notices.")
	} else {
		fmt.Fprintln(stdout, "Demo already loaded.")
	}
	for _, s := range res.Skipped {
		fmt.Fprintln(stdout, "Left out: "+s)
	}
	fmt.Fprintf(stdout, "\nThe demo is set at %s: serve it with GOLIVE_NOW=%s to see the mobilisation as it then stood\n(`make run` does).\n",
		demodata.Moment, demodata.Moment)
	printSignIns(stdout, cfg.BaseURL)
	return nil
}

// demoServices are the services the demo drives.
func (a *App) demoServices() demodata.Services {
	return demodata.Services{Tenants: a.Tenants, Lots: a.Lots, Eval: a.Eval, Award: a.Award, Mob: a.Mob, Successions: a.Succ}
}

func printSignIns(w io.Writer, baseURL string) {
	fmt.Fprintf(w, "\nSign in at %s/sign-in, password for every demo user: %s\n\n", baseURL, demodata.Password)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tEMAIL\tORGANISATION")
	// One sign-in per role, and every Medway person and bidder (the README's table).
	seen := map[access.Role]bool{}
	for _, u := range demodata.People {
		r := u.Roles[0]
		if seen[r] && !strings.HasPrefix(u.Email, "bids@") && u.Org != "NHS Medway CCG" {
			continue
		}
		seen[r] = true
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Label(), u.Email, u.Org)
	}
	tw.Flush()
}

# golive: one command to run it, one to test everything.
#
#   make run      install what is missing, build, load the demo data, serve it
#   make test     every test: assets, go vet, the Go suite and the fault-injection tests on embedded
#                 and real services, browsers
#
# Targets run in the order written (see .NOTPARALLEL), so `make test` reads top to bottom.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:

GO  ?= go
NPM ?= npm
BIN := bin/golive

# The real services the second Go pass uses (the machine's PostgreSQL and Redis); set them in the
# environment to point elsewhere.
GOLIVE_TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/test?sslmode=disable
GOLIVE_TEST_REDIS_URL    ?= redis://127.0.0.1:6379/0

CHROMIUM := /usr/bin/chromium
# apt-get and the service start commands need root; sudo only when we are not.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# What `npm ci` leaves behind; newer than the lock file means node_modules is up to date.
NODE_STAMP := frontend/node_modules/.package-lock.json
ASSETS     := frontend/static/nhsuk/nhsuk-frontend.min.css

.PHONY: help run build assets deps go-deps node-deps chromium services \
        test vet test-go test-go-embedded test-go-real test-faults test-faults-embedded test-faults-real \
        test-browser bench wrk clean

help:
	@echo 'make run           install what is missing, build bin/golive, load the demo, serve'
	@echo 'make build         build bin/golive (with the NHS.UK assets)'
	@echo 'make assets        npm ci (if needed) and copy nhsuk-frontend into frontend/static/nhsuk'
	@echo 'make deps          Go modules, npm packages, and Debian chromium if /usr/bin/chromium is missing'
	@echo 'make services      start PostgreSQL and Redis if they are down'
	@echo 'make test          assets, go vet, Go tests and fault tests (embedded, then real services), browser tests'
	@echo 'make test-go       the Go suite without the fault tests, embedded then real services (about a minute each)'
	@echo 'make test-faults   the fault-injection tests (workers killed, Redis restarted, two workers), both stacks;'
	@echo '                   FAULT_COUNT=5 runs each 5 times'
	@echo 'make test-browser  headless Chromium + axe tests against bin/golive'
	@echo 'make bench         issue 17 side by side: golive under wrk against pgbench replaying its SQL, vegeta p99, cold start,'
	@echo '                   memory, plan page, authorisation, reminders; a markdown table in bench.md (about 5 minutes)'

## Running ------------------------------------------------------------------------------------

# The moment the demo is set at (demo.Moment): Kent and Medway mobilising towards
# 1 April 2019. `make run GOLIVE_NOW=…` (or the variable in the environment) serves another.
GOLIVE_NOW ?= 2019-02-11T09:00:00Z

run: go-deps build
	$(BIN) demo
	@echo 'Serving golive on a clock that starts at $(GOLIVE_NOW): stop with Ctrl-C.'
	GOLIVE_NOW='$(GOLIVE_NOW)' $(BIN) serve

# Always hand the build to go: its cache knows better than make which .go files changed.
build: assets
	$(GO) build -o $(BIN) ./cmd/golive

## Installing ---------------------------------------------------------------------------------

deps: go-deps node-deps chromium

go-deps:
	$(GO) mod download

node-deps: $(NODE_STAMP)

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	@touch $@

assets: $(ASSETS)

$(ASSETS): $(NODE_STAMP) frontend/build.mjs
	cd frontend && $(NPM) run --silent build

# Debian's chromium for the browser tests: browsers cannot be downloaded through npm here.
chromium:
	@if [ -x $(CHROMIUM) ]; then \
	  echo "chromium: $$($(CHROMIUM) --version 2>/dev/null || echo present)"; \
	else \
	  echo 'chromium: installing Debian chromium'; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	fi

# Debian's wrk, the closed-loop load generator of `make bench` (a small C program, like pgbench on
# the other side of each ratio).
wrk:
	@if command -v wrk >/dev/null 2>&1; then \
	  echo "wrk: present"; \
	else \
	  echo 'wrk: installing Debian wrk'; \
	  $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; \
	fi

## Services -----------------------------------------------------------------------------------

# Starts PostgreSQL and Redis when they are down (with the commands this machine kind uses) and
# waits until both answer.
services:
	@if ! pg_isready -q -h 127.0.0.1; then \
	  echo 'services: starting PostgreSQL'; \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	fi
	@if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then \
	  echo 'services: starting Redis'; \
	  $(SUDO) redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log; \
	fi
	@for i in $$(seq 1 60); do \
	  if pg_isready -q -h 127.0.0.1 && [ "$$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = PONG ]; then \
	    echo 'services: PostgreSQL and Redis are up'; exit 0; \
	  fi; \
	  sleep 1; \
	done; \
	echo 'services: PostgreSQL or Redis did not come up within 60 s' >&2; \
	pg_isready -h 127.0.0.1 >&2 || true; redis-cli -h 127.0.0.1 ping >&2 || true; exit 1

## Testing ------------------------------------------------------------------------------------

test: deps services assets vet test-go test-faults test-browser

vet:
	$(GO) vet ./...

test-go: test-go-embedded test-go-real

# The everyday suite on what a fresh checkout has: SQLite and Redis in process. The real-service
# URLs are removed from the environment so this pass cannot quietly use them, and so is
# GOLIVE_FAULT_TESTS: the fault-injection tests skip here (saying so) and run in test-faults.
test-go-embedded:
	@echo '== go test: embedded SQLite and in-process Redis'
	env -u GOLIVE_TEST_DATABASE_URL -u GOLIVE_TEST_REDIS_URL -u GOLIVE_FAULT_TESTS $(GO) test -count=1 ./...

# The same suite against PostgreSQL and Redis; -p 2 keeps the packages' databases from crowding
# the two cores.
test-go-real: services
	@echo '== go test: PostgreSQL and Redis'
	env -u GOLIVE_FAULT_TESTS GOLIVE_TEST_DATABASE_URL='$(GOLIVE_TEST_DATABASE_URL)' GOLIVE_TEST_REDIS_URL='$(GOLIVE_TEST_REDIS_URL)' \
	  $(GO) test -count=1 -p 2 ./...

# The fault-injection tests: a worker process killed mid-run and restarted, Redis restarted, two
# workers at once, each checked at a real SMTP server. They take minutes, so the everyday suite
# skips them (GOLIVE_FAULT_TESTS unset). They are the tests that call dbtest.Faults, found in the
# source so that a new one cannot be left out; FAULT_COUNT=5 runs each five times.
FAULT_COUNT ?= 1

define run-fault-tests
	@tests="$$(grep -rl --include='*_test.go' 'dbtest\.Faults(t)' . | xargs awk '/^func Test/ { n = $$2; sub(/\(.*/, "", n) } /dbtest\.Faults\(t\)/ { print FILENAME, n }')"; \
	run="^($$(echo "$$tests" | cut -d' ' -f2 | paste -sd'|'))$$"; \
	pkgs="$$(echo "$$tests" | cut -d' ' -f1 | xargs -n1 dirname | sort -u | sed 's|$$|/|')"; \
	echo "$(1) $(GO) test -count=$(FAULT_COUNT) -timeout 90m -run '$$run'" $$pkgs; \
	$(1) $(GO) test -count=$(FAULT_COUNT) -timeout 90m -run "$$run" $$pkgs
endef

test-faults: test-faults-embedded test-faults-real

test-faults-embedded:
	@echo '== go test: fault-injection tests, embedded SQLite and in-process Redis'
	$(call run-fault-tests,env -u GOLIVE_TEST_DATABASE_URL -u GOLIVE_TEST_REDIS_URL GOLIVE_FAULT_TESTS=1)

test-faults-real: services
	@echo '== go test: fault-injection tests, PostgreSQL and Redis'
	$(call run-fault-tests,env GOLIVE_FAULT_TESTS=1 GOLIVE_TEST_DATABASE_URL='$(GOLIVE_TEST_DATABASE_URL)' GOLIVE_TEST_REDIS_URL='$(GOLIVE_TEST_REDIS_URL)')

# Headless Chromium with axe against the real binary, seeded with the demo data.
test-browser: node-deps chromium build
	@echo '== browser tests: headless Chromium and axe-core against $(BIN)'
	cd frontend && GOLIVE_BIN='$(CURDIR)/$(BIN)' $(NPM) run --silent test:browser

clean:
	rm -rf bin frontend/static/nhsuk

## Measuring --------------------------------------------------------------------------------------

# Issue 17's figures side by side, each beside the limit it is compared with in the same run. It
# makes its own PostgreSQL database (on the machine's server) and its own redis-server.
GOLIVE_BENCH_OUT ?= $(CURDIR)/bench.md
bench: go-deps services wrk
	GOLIVE_SIDE_BY_SIDE=1 GOLIVE_BENCH_OUT='$(GOLIVE_BENCH_OUT)' GOLIVE_TEST_DATABASE_URL='$(GOLIVE_TEST_DATABASE_URL)' \
	  $(GO) test -count=1 -v -timeout 15m -run '^TestSideBySide$$' ./cmd/golive/ | grep -v '^=== \|^--- PASS'
	@echo 'The table is in $(GOLIVE_BENCH_OUT)'

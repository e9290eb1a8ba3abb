# Two commands matter: `make run` and `make test` (see README.md).
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# X-Forwarded-For/-Proto are believed only from these addresses (README, "Behind a proxy").
FORWARDED_ALLOW_IPS ?= 127.0.0.1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Compiled modules are kept (in __pycache__, ignored by git) even where the machine says
# otherwise: every app process the suite starts, and every test worker, would compile the
# app, its tests and their rewritten asserts again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test install install-dev system-deps node-deps migrate seed lint test-sqlite test-postgresql bench bench-lighthouse

# pyproject.toml says what we need, requirements.lock which versions (pip, setuptools, uv
# and the setuptools that builds our package too); scripts/lock-python-deps.sh rewrites it.
# uv installs: it fetches, unpacks and compiles in parallel, 40 s faster than pip on a fresh
# machine. pip installs uv itself, at its locked version.
LOCK := requirements.lock
LOCKED_PIP := $(PIP) install -q --constraint $(LOCK)
LOCKED_UV := $(VENV)/bin/uv pip install -q --python $(PY) --constraint $(LOCK) \
	--build-constraint $(LOCK) --compile-bytecode

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(LOCKED_PIP) --upgrade pip setuptools uv

# pip, setuptools and uv first: a virtualenv made before the lock (or before its last
# change) may hold older ones, or no uv.
$(VENV)/.installed: pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(LOCKED_PIP) pip setuptools uv
	$(LOCKED_UV) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(LOCK) | $(VENV)/bin/python
	$(LOCKED_PIP) pip setuptools uv
	$(LOCKED_UV) -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(VENV)/bin/alembic upgrade head

seed: migrate
	$(PY) -m app seed-demo

# Links the service sends (invitations, calendar feeds) start with TANDEM_PUBLIC_URL; served
# here, that is this address and port unless it is set (README, "Settings").
run: seed
	TANDEM_PUBLIC_URL='$(or $(TANDEM_PUBLIC_URL),http://127.0.0.1:$(PORT))' \
		TANDEM_EMBEDDED_WORKER='$(or $(TANDEM_EMBEDDED_WORKER),true)' \
		$(VENV)/bin/uvicorn app.main:create_app --factory --host 127.0.0.1 --port $(PORT) \
		--no-access-log --proxy-headers --forwarded-allow-ips '$(FORWARDED_ALLOW_IPS)'

# PostgreSQL and other system packages the suite starts itself (Debian, as root).
system-deps:
	sh scripts/install-system-deps.sh

# npm packages the suite runs (the OpenID Connect provider); pinned by package-lock.json.
node-deps:
	sh scripts/install-node-deps.sh

lint: install-dev
	$(VENV)/bin/ruff check app tests migrations $(wildcard bench)
	$(VENV)/bin/ruff format --check app tests migrations $(wildcard bench)
	$(VENV)/bin/mypy app

# Two workers (pytest-xdist): each builds its own database by running the migrations.
# The slowest tests are listed at the end of each run: where the suite's time goes.
PYTEST := $(VENV)/bin/pytest -n 2 --durations=15

test-sqlite: install-dev system-deps node-deps
	$(PYTEST) --db=sqlite

test-postgresql: install-dev system-deps node-deps
	$(PYTEST) --db=postgresql

test: install-dev system-deps node-deps lint
	$(PYTEST) --db=sqlite
	$(PYTEST) --db=postgresql

# Known vulnerabilities in requirements.lock (pip-audit) and every package-lock.json (npm
# audit). The advisory services are online: where they are out of reach it says so and
# fails within AUDIT_TIMEOUT seconds a step. Never part of `make test`.
.PHONY: audit
audit:
	sh scripts/audit.sh

# Benchmarks (bench/README.md): about 25 minutes of 1 GiB uploads, range reads, request
# cost on loopback, the time report and the reports of a generated organisation on SQLite
# and PostgreSQL; never part of `make test`. nginx is the static-file baseline for range
# reads, a bare FastAPI route (under wrk) the one for request cost, a plain COUNT of the
# same occurrences the one for the time report, a trivial route's COUNT of the year's
# observations the one for the reports.
bench: install
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends nginx >/dev/null)
	$(PY) -m bench.upload_throughput
	$(PY) -m bench.upload_memory
	$(PY) -m bench.range_reads
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends wrk >/dev/null)
	$(PY) -m bench.request_cost
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends postgresql >/dev/null)
	$(PY) -m bench.time_report
	$(PY) -m bench.reports

# Lighthouse 12 (pinned in bench/lighthouse-tools) on the PWA's home and review screens,
# signed in, mobile emulation; prints the scores and first-load bytes. Never part of `make test`.
bench-lighthouse: install system-deps
	npm ci --prefix bench/lighthouse-tools --no-audit --no-fund --loglevel=error
	$(PY) -m bench.lighthouse

# Load (bench/README.md): locust's 200 simulated people over two app processes on
# PostgreSQL, a day's mix of screens, then the hot JSON endpoints against a bare Starlette
# one under wrk; about 4 minutes. Locust comes from the `bench` extra, which only this
# installs (through the lock, like every install), so `make test` never carries it.
.PHONY: bench-load
bench-load: install
	$(LOCKED_PIP) pip setuptools uv
	$(LOCKED_UV) -e '.[bench]'
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends postgresql >/dev/null)
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends wrk >/dev/null)
	$(PY) -m bench.load

# Two commands matter: `make run` and `make test` (see README.md).
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# X-Forwarded-For/-Proto are believed only from these addresses (README, "Behind a proxy").
FORWARDED_ALLOW_IPS ?= 127.0.0.1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-dev system-deps node-deps migrate seed lint test-sqlite test-postgresql bench bench-lighthouse

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var
	$(VENV)/bin/alembic upgrade head

seed: migrate
	$(PY) -m app seed-demo

run: seed
	$(VENV)/bin/uvicorn app.main:create_app --factory --host 127.0.0.1 --port $(PORT) --no-access-log \
		--proxy-headers --forwarded-allow-ips '$(FORWARDED_ALLOW_IPS)'

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
PYTEST := $(VENV)/bin/pytest -n 2

test-sqlite: install-dev system-deps node-deps
	$(PYTEST) --db=sqlite

test-postgresql: install-dev system-deps node-deps
	$(PYTEST) --db=postgresql

test: install-dev system-deps node-deps lint
	$(PYTEST) --db=sqlite
	$(PYTEST) --db=postgresql

# Benchmarks (bench/README.md): about 15 minutes of 1 GiB uploads and range reads on
# loopback; never part of `make test`. nginx is the static-file baseline for range reads.
bench: install
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || [ "$$(id -u)" != 0 ] || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends nginx >/dev/null)
	$(PY) -m bench.upload_throughput
	$(PY) -m bench.upload_memory
	$(PY) -m bench.range_reads

# Lighthouse 12 (pinned in bench/lighthouse-tools) on the PWA's home and review screens,
# signed in, mobile emulation; prints the scores and first-load bytes. Never part of `make test`.
bench-lighthouse: install system-deps
	npm ci --prefix bench/lighthouse-tools --no-audit --no-fund --loglevel=error
	$(PY) -m bench.lighthouse

# Quick start: `make run` serves a seeded demo site; `make test` runs the whole suite.
# Every target installs what it needs first, so both work on a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install assets run test test-fast bench lint format check migrations-check clean
.PHONY: stack stack-stop load
.PHONY: security sbom
.PHONY: backup restore

install: $(VENV)/.installed

# Reinstall when the dependency list or its pins change.
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

# Front-end packages (USWDS, plotly.js, axe-core) from the npm lockfile into static/vendor.
assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json scripts/install_assets.sh
	bash scripts/install_assets.sh
	touch $@

# Embedded set-up: SQLite unless DATABASE_URL is set, Celery tasks in-process unless
# CELERY_BROKER_URL is set, DEBUG on so that the demo accounts exist.
run: install assets
	mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_seed_data
	@echo "Serving on http://127.0.0.1:$(PORT)/ (sign in with a demo account above)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, browser tests included (they skip without Chromium, except under CI=true).
test: install assets
	$(PY) -m pytest

# Everything but the browser tests.
test-fast: install
	$(PY) -m pytest -m "not browser"

# Benchmarks on generated data in a scratch database (SQLite unless DATABASE_URL is set):
# one JSON line per case with median ms, SQL queries, the SQL floor and peak memory.
bench: install assets
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')} \
		$(PY) manage.py bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The production arrangement on this machine without Docker (docker-compose.yml describes
# the same): gunicorn on 127.0.0.1:8001, Celery worker and beat, on the local PostgreSQL
# (database stratplan_stack) and Redis (db 5); pid files and logs in var/stack/.
stack: install assets
	bash scripts/stack.sh start

stack-stop:
	bash scripts/stack.sh stop

# Load test of the three journeys against the running stack (make stack first): locust,
# 25 then 50 users for 2 minutes each; CSV in var/load/, p50/p95/p99 table printed; fails
# when the 25-user target (p95 < 500 ms but sign-in, no failure) is missed.
load: install $(VENV)/.load-installed
	bash tests/load/run.sh

# locust (the `load` extra) is not pinned in constraints.txt; its shared dependencies are.
$(VENV)/.load-installed: pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e '.[load]'
	touch $@

# Static analysis of our Python with bandit: fails on any finding of medium or high
# severity. What it skips is in pyproject.toml [tool.bandit]; a false positive is marked on
# its line with `# nosec BXXX # why`. tests/security/test_bandit.py runs the same scan.
security: install
	$(VENV)/bin/bandit -c pyproject.toml -r . -ll -q

# CycloneDX SBOMs of the dependencies, for an agency pipeline to scan (generated files,
# gitignored): sbom.cdx.json from the packages installed in the virtualenv, and
# sbom-npm.cdx.json from package-lock.json (the vendored front-end packages; offline).
# cyclonedx-py's own validation checks each URL with a slow IRI parser (about a minute);
# tests/security/test_sbom.py runs this target (SBOM_DIR=<its tmp dir>) and validates the
# output against the CycloneDX schema.
SBOM_DIR ?= .
sbom: install
	$(VENV)/bin/cyclonedx-py environment --pyproject pyproject.toml --output-reproducible \
		--no-validate --of JSON -o $(SBOM_DIR)/sbom.cdx.json $(PY)
	npm sbom --sbom-format cyclonedx --package-lock-only --omit dev > $(SBOM_DIR)/sbom-npm.cdx.json

# Backups of the PostgreSQL database named by DATABASE_URL (docs/operations.md): `make
# backup` writes a pg_dump to var/backups/ and prunes old ones; `make restore FILE=...`
# replaces the database with a dump, after you type its name (or with YES=1).
backup:
	bash scripts/backup.sh

restore:
	bash scripts/restore.sh $(if $(YES),--yes) "$(FILE)"

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

check: lint migrations-check test

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache .ruff_cache

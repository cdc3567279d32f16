# Quick start: `make run` serves a seeded demo site; `make test` runs the whole suite.
# Every target installs what it needs first, so both work on a fresh clone.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: install assets run test test-fast bench lint format check migrations-check clean

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
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} $(PY) manage.py bench

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

check: lint migrations-check test

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles .pytest_cache .ruff_cache

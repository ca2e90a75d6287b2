# TalentLoop — `make run` serves the app on 127.0.0.1:8000; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := backend/.venv
PY := $(VENV)/bin/python
# The backend suite on two processes (pytest-xdist; each file stays on one worker, each worker
# has its own database: tests/conftest.py). PYTEST_WORKERS= runs it in one process.
PYTEST_WORKERS ?= -n 2 --dist loadfile
SCHEMA_OUT ?= schema.graphql
HOST ?= 127.0.0.1
PORT ?= 8000
E2E_PORT ?= 8765
# The GraphQL-over-HTTP audit's server: after the browser tests, so their free port will do.
GRAPHQL_HTTP_PORT ?= $(E2E_PORT)
# tests/ has no pyproject of its own: lint it with the backend's settings wherever ruff runs from.
RUFF_CONFIG := --config pyproject.toml

.PHONY: help setup backend-setup frontend-setup build migrate seed run worker test test-backend \
        test-frontend test-e2e test-graphql-http test-topology schema schema-check migrations-check \
        lint format bench mutation messages

help:
	@echo "make run     set up, build, migrate, load demo data if empty, serve on http://$(HOST):$(PORT)"
	@echo "make test    set up and run every test (SQLite; TEST_DATABASE_URL=postgres://… for PostgreSQL)"
	@echo "make schema  write the GraphQL schema to SCHEMA_OUT (default schema.graphql)"
	@echo "make lint    ruff, mypy, eslint, vue-tsc"
	@echo "make test-topology  two API processes and nginx on a throwaway PostgreSQL"
	@echo "make bench   benchmarks on SQLite and PostgreSQL, written to docs/performance.md"
	@echo "make mutation [MODULE=payroll/calc.py]  mutation testing (mutmut) of the money and access modules"

# --- setup ---------------------------------------------------------------------------
$(VENV)/.installed: backend/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e 'backend[dev]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

backend-setup: $(VENV)/.installed
frontend-setup: frontend/node_modules/.installed
setup: backend-setup frontend-setup

build: setup
	cd frontend && npm run --silent build

# --- run -----------------------------------------------------------------------------
migrate: backend-setup
	$(PY) -m talentloop migrate

seed: migrate
	$(PY) -m talentloop seed --if-empty

run: build seed
	$(VENV)/bin/uvicorn talentloop.app:app --app-dir backend --host $(HOST) --port $(PORT)

# Background jobs in a process of their own (the API processes run them too unless
# TALENTLOOP_JOB_WORKER=0).
worker: migrate
	$(PY) -m talentloop worker

# --- schema --------------------------------------------------------------------------
schema: backend-setup
	@$(PY) -m talentloop export-schema > $(SCHEMA_OUT)

schema-check: backend-setup
	@$(PY) -m talentloop export-schema | diff -u schema.graphql - \
	  || { echo "schema.graphql is out of date: run 'make schema' and commit it."; exit 1; }

# --- languages -----------------------------------------------------------------------
# The server's message catalogues (docs/architecture.md, "Languages"): extract every message
# from the source into messages.pot, then add the new ones to each language's .po (translate
# the empty msgstr of zh_CN; tests/i18n names the ones still missing). No compiled .mo files:
# the server reads the .po files at start-up.
LOCALE_DIR := talentloop/locale
messages: backend-setup
	cd backend && .venv/bin/pybabel -q extract -F babel.cfg --add-location=file --sort-output \
	  --no-wrap --project=TalentLoop -o $(LOCALE_DIR)/messages.pot . 2> >(grep -v 'Skipping f-string' >&2)
	cd backend && for lang in zh_CN en; do \
	  .venv/bin/pybabel -q update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -l $$lang \
	    --no-wrap --no-fuzzy-matching --ignore-obsolete; done

# --- quality -------------------------------------------------------------------------
lint: setup
	cd backend && .venv/bin/ruff check $(RUFF_CONFIG) . ../tests ../bench && .venv/bin/ruff format --check $(RUFF_CONFIG) . ../tests ../bench
	cd backend && .venv/bin/mypy
	cd frontend && npm run --silent lint && npm run --silent typecheck

format: backend-setup
	cd backend && .venv/bin/ruff format $(RUFF_CONFIG) . ../tests ../bench && .venv/bin/ruff check --fix $(RUFF_CONFIG) . ../tests ../bench

# --- tests ---------------------------------------------------------------------------
test: setup schema-check lint test-backend test-e2e test-graphql-http

test-backend: backend-setup
	$(PY) -m pytest -c tests/pytest.ini --rootdir=. $(PYTEST_WORKERS) tests

test-e2e: build
	bash tests/browser/run.sh $(E2E_PORT)

test-graphql-http: setup
	bash tests/graphql-http/run.sh $(GRAPHQL_HTTP_PORT)

# PostgreSQL, two API processes and nginx on loopback (needs postgresql-15 and nginx).
test-topology: backend-setup
	bash tests/topology/run.sh

# Not part of `make test`: about 5 minutes on 2 cores. BENCH_EMPLOYEES=100000 for the big
# variant, BENCH_DATABASE_URL=postgres://… for an existing (emptied!) database; bench/__main__.py
# lists every setting. Writes docs/performance.md.
bench: backend-setup
	$(PY) -m bench

# Not part of `make test` (nor CI): mutation testing (mutmut) of the modules that guard money and
# access, each against its own tests; prints each module's score and its surviving mutants.
# MODULE=payroll/calc.py (or access/policy.py+guard.py, analytics/stats.py,
# approvals/service.py+flows.py+rules.py) for one. Results stay in var/mutation/ (a rerun tests
# only what changed; MUTATION_ARGS=--fresh forgets them, --survivors tests the survivors again
# after tests were added). The pure modules take minutes; the approvals engine has 1,769 mutants
# that each run database tests: MUTATION_ARGS="--sample 400" tests a fixed random sample of them.
mutation: backend-setup
	$(PY) -m tests.mutation.run $(MUTATION_ARGS) $(MODULE)

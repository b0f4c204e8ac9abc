# Two commands on a fresh machine: `make run` and `make test`. Both are safe to repeat.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
DEV_ENV := DEBUG=true

.PHONY: run test install migrate seed lint format check clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

## Serve the demo on http://127.0.0.1:8000 (SQLite, demo accounts printed first).
run: seed
	@echo "CareHub is starting on http://127.0.0.1:8000 (Ctrl+C to stop)."
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

## The whole suite, browser journeys included (skipped, with a note, without Chromium),
## spread over the machine's cores (pytest-xdist).
test: install
	$(BIN)/python -m pytest -n auto

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

## Benchmarks on PostgreSQL with production settings (docs/performance.md):
## `make bench` seeds 5 sites x 100,000 people; BENCH_SITES / BENCH_PEOPLE for smaller
## runs, BENCH_ARGS for benchmarks/bench_all.py (e.g. --skip-load, --pdfs 200).
BENCH_SITES ?= 5
BENCH_PEOPLE ?= 100000
BENCH_DB ?= carehub_bench
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_ARGS ?= --write-docs
BENCH_ENV := DATABASE_URL=$(BENCH_PG)/$(BENCH_DB) DEBUG=false SECURE_SSL_REDIRECT=false \
	SECRET_KEY=benchmark-only-key-never-used-for-real-data-0123456789 \
	ALLOWED_HOSTS=127.0.0.1,localhost,testserver LOG_LEVEL=WARNING

bench: install
	$(BIN)/python -c "import psycopg; c = psycopg.connect('$(BENCH_PG)/postgres', autocommit=True); \
	  c.execute('CREATE DATABASE $(BENCH_DB)') if not c.execute(\"SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'\").fetchone() else None"
	$(BENCH_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(BENCH_ENV) $(BIN)/python manage.py seed_scale --sites $(BENCH_SITES) --people $(BENCH_PEOPLE)
	$(BIN)/python -c "import psycopg; psycopg.connect('$(BENCH_PG)/$(BENCH_DB)', autocommit=True).execute('VACUUM ANALYZE')"
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v 0
	$(BENCH_ENV) $(BIN)/python benchmarks/bench_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

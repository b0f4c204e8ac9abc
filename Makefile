# Two commands on a fresh machine: `make run` and `make test`. Both are safe to repeat.
PYTHON ?= $(shell command -v python3.13 || command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.lock | cut -d' ' -f1)
DEV_ENV := DEBUG=true

.PHONY: run test install migrate seed lint format check clean

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Sinergi: `make run` for a local demo, `make test` for the test suite.
# Python 3.12+ is found by scripts/find-python.sh (override with PYTHON=...).

PYTHON ?= $(shell scripts/find-python.sh)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp

.PHONY: help install run serve demo translations messages test lint format \
        migrations-check deploy-check bench clean

help:
	@echo "make run               set up everything and start http://127.0.0.1:8000 with demo data"
	@echo "make test              run the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make lint              ruff check and format check"
	@echo "make format            ruff format and fix"
	@echo "make messages          extract translatable strings into locale/*/LC_MESSAGES/django.po"
	@echo "make migrations-check  fail when models and migrations differ"
	@echo "make bench             the scale benchmark at 1M cases (SCALE=small: ~10k cases, a few minutes)"

$(PY):
	@if [ -z "$(PYTHON)" ]; then scripts/find-python.sh; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(INSTALLED)

install: $(INSTALLED)

translations: install
	$(PY) -m config.translations

demo: install translations
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_regions
	$(PY) manage.py seed_demo

run: demo
	@echo "Sinergi is starting on http://127.0.0.1:8000 (Ctrl+C to stop)."
	@echo "Periodic tasks (reminders, referral deadlines) run alongside: run_periodic_tasks."
	$(PY) manage.py run_periodic_tasks > var/periodic.log 2>&1 & trap "kill $$!" EXIT; \
	$(PY) manage.py runserver 127.0.0.1:8000

messages: install
	$(PY) manage.py makemessages --locale id --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete

test: install translations
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

# The scale benchmark (docs/performance.md): builds its own database sinergi_bench_$(SCALE)
# on the PostgreSQL of DATABASE_URL, serves it with gunicorn and measures it with wrk.
SCALE ?= full
bench: install translations
	$(PY) -m bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var

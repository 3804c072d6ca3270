# Green Plan Portal. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# A developer's commands run with DEBUG=true: the settings refuse DEBUG=false without a real
# SECRET_KEY (production sets one; nothing here signs anything that leaves this machine).
DEV    := DEBUG=true
PORT   ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup system-deps venv messages fonts run test lint check-migrations \
        pytest worker beat services object-store bench bench-pdf bench-exports bench-actuals bench-faults bench-load clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-18s %s\n", $$1, $$2}'

system-deps: ## Install the Debian packages (WeasyPrint libraries, CJK fonts, Chromium, gettext)
	bash .ci/system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

venv: $(BIN)/python ## Create .venv and install the project with its dev tools
	$(BIN)/pip install -q -e ".[dev]"

messages: venv ## Compile the translations (zh_Hans first, English second)
	$(DEV) $(MANAGE) compilemessages -v0 --ignore=$(VENV)

fonts: venv ## Build the PDF's print fonts (Noto CJK cut to the characters plans use) into PDF_FONT_DIR
	$(DEV) $(MANAGE) build_pdf_fonts

setup: system-deps venv messages fonts ## Everything needed to run or test, on a fresh Debian machine

run: setup ## Set up, load the parks and demo users, and serve on port 8000 (SQLite, eager Celery)
	$(DEV) $(MANAGE) migrate -v0
	$(DEV) DEMO=true $(MANAGE) seed_demo
	$(DEV) $(MANAGE) runserver 0.0.0.0:$(PORT)

test: setup lint check-migrations pytest ## Set up and run every check and test (the README's test command)

lint: venv ## ruff (lint and format) and djLint on the templates
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint --quiet

check-migrations: venv ## Fail when a model change has no migration
	$(DEV) $(MANAGE) makemigrations --check --dry-run

pytest: venv ## Only the test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
	$(BIN)/pytest -p no:cacheprovider

worker: venv ## A Celery worker (needs REDIS_URL)
	$(DEV) $(BIN)/celery -A portal worker --loglevel=INFO --concurrency=2

beat: venv ## The Celery beat scheduler (deadline reminders; needs REDIS_URL)
	$(DEV) $(BIN)/celery -A portal beat --loglevel=INFO

services: ## Start PostgreSQL and Redis on 127.0.0.1 (installs them if missing)
	bash .ci/services

object-store: ## Start an S3 object store (SeaweedFS) on 127.0.0.1; prints the S3_* settings to export
	@bash .ci/object-store

bench: venv ## Benchmarks: query counts and server times, written to bench/out/
	$(BIN)/python bench/run.py

bench-pdf: venv ## PDF benchmark: full plan with WeasyPrint and Chromium, demo plans on two workers
	$(BIN)/python bench/pdf.py

bench-exports: venv ## Excel export benchmark: 174 demo parks and 3,000 synthetic parks
	$(BIN)/python bench/exports.py

bench-actuals: venv ## Actuals benchmark: the actuals page and the export for 10 and 178 parks x 5 reports, beside the plan dashboard
	$(BIN)/python bench/actuals.py

bench-faults: venv ## Fault scenarios: workers killed mid-job, Redis down at submission, a dropped DB connection (needs DATABASE_URL, REDIS_URL)
	$(BIN)/python bench/faults.py

bench-load: venv ## Deadline-day load: gunicorn on PostgreSQL and Redis at fixed rates (QUICK=1: smoke run)
	$(BIN)/python bench/load.py $(if $(QUICK),--quick)

clean: ## Remove the virtual environment, the SQLite database and private files
	rm -rf $(VENV) db.sqlite3 var staticfiles test-results

# Plansicht: the two commands are `make demo` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000
BENCH_SIZE ?= 10000

PYTEST_ARGS ?=

.PHONY: demo test install install-dev assets browser migrate bench loadtest screenshots lint format lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# A stamp per lock file: reinstall only when the lock changes.
$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

# Front-end assets from their npm packages (exact versions in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here); the
# report tests read PDFs back with Debian's poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm);
# the Nu HTML Checker (vnu-jar from npm) runs on Debian's Java.
# As root they are installed; anyone else is told the one command to run first.
CHROMIUM := /usr/bin/chromium
PDFTOTEXT := /usr/bin/pdftotext
NGINX := /usr/sbin/nginx
JAVA := /usr/bin/java
browser:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(PDFTOTEXT) ] || [ ! -x $(NGINX) ] || [ ! -x $(JAVA) ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "== installing Chromium, poppler-utils, nginx-light and Java from Debian's packages"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt-get update -qq && apt-get install -y -qq chromium poppler-utils nginx-light default-jre-headless >/dev/null || exit 1; \
		else \
			echo "The tests need Chromium at $(CHROMIUM), poppler-utils at $(PDFTOTEXT), nginx at $(NGINX) (the production example's test) and Java at $(JAVA) (the Nu HTML Checker)." >&2; \
			echo "Install them first:" >&2; \
			echo "    sudo apt-get update && sudo apt-get install -y chromium poppler-utils nginx-light default-jre-headless" >&2; \
			exit 1; \
		fi; \
	fi

migrate: install
	mkdir -p var
	$(MANAGE) migrate --noinput

# The demo serves the site and runs the task worker beside it (mails are printed here).
demo: migrate assets
	$(MANAGE) seed_demo
	$(MANAGE) refresh_forecasts
	@echo "Plansicht demo: http://$(HOST)/"
	$(MANAGE) db_worker --no-startup-delay & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver $(HOST)

test: install-dev assets browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	PYTHONDONTWRITEBYTECODE=1 HYPOTHESIS_STORAGE_DIRECTORY=$${TMPDIR:-/tmp}/plansicht-hypothesis \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/run.py --size $(BENCH_SIZE)

# The demo under gunicorn on PostgreSQL, 100 connections with wrk (bench/loadtest.py).
loadtest: install-dev assets
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq wrk >/dev/null; } || { echo "Install wrk first: sudo apt-get install wrk" >&2; exit 1; }
	$(BIN)/python bench/loadtest.py

# The README's screenshot of the portal, taken with the same browser as the tests.
screenshots: install-dev assets browser
	$(BIN)/python scripts/screenshots.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock files after changing pyproject.toml (needs pip-tools in the venv).
lock: install-dev
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .hypothesis

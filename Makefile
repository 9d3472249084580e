# Plansicht: the two commands are `make demo` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1:8000
BENCH_SIZE ?= 10000

.PHONY: demo test install install-dev migrate bench lint format lock clean

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

migrate: install
	mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo
	$(MANAGE) refresh_forecasts
	@echo "Plansicht demo: http://$(HOST)/"
	$(MANAGE) runserver $(HOST)

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: install-dev
	$(BIN)/python bench/run.py --size $(BENCH_SIZE)

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
	rm -rf $(VENV) var .pytest_cache .hypothesis

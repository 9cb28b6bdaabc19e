# The two commands a newcomer needs:  make run   and   make test
# Everything else here is what those two do.

PORT ?= 8000
# E-mail links point at the port the portal is served on. A SITE_URL set in the
# environment wins over PORT; .env's SITE_URL is not read under make run.
SITE_URL ?= http://127.0.0.1:$(PORT)
VENV := .venv
BIN := $(VENV)/bin

# The first Python 3.12 or newer found: on PATH, then the newest under pyenv.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 \
	$(shell ls -d $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	command -v $$p >/dev/null 2>&1 && \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && \
	{ command -v $$p; break; }; done)

.PHONY: run test lint serve migrate demo catalogues bench fleet clean

run: $(VENV)/.installed catalogues migrate demo serve

test: $(VENV)/.installed catalogues lint
	$(BIN)/python -m pytest

# The migrations are checked against the models only: an empty database in memory, so
# a local database that has not been migrated yet cannot get in the way.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

# The .mo files are built from the committed .po files with polib: no gettext needed.
catalogues: $(VENV)/.installed
	$(BIN)/python manage.py compile_catalogues --verbosity 0

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

demo: $(VENV)/.installed
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py seed_demo

serve: $(VENV)/.installed catalogues
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/  (back office: /admin/)"
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed and none was found." \
		"Install one (for example with pyenv) or run: make run PYTHON=/path/to/python3.12"; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The benchmark on PostgreSQL (bench/README.md): builds its data set the first time.
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# The fleet test (fleet/README.md): two app servers behind HAProxy, two task workers,
# PostgreSQL and a Redis of its own, under load and faults; about 3 minutes.
fleet: $(VENV)/.fleet-installed catalogues
	@missing=""; command -v haproxy >/dev/null 2>&1 || missing="haproxy"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then echo "Installing$${missing:+ }$$missing (Debian's packages)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	$(BIN)/python fleet/run.py

$(VENV)/.fleet-installed: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev,fleet]'
	touch $@

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .import_linter_cache \
		bench/results/gunicorn.log

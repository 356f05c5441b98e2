# 民情快办: everyday commands. `make help` lists them.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

# Settings refuse to start without SECRET_KEY unless DEBUG is on; these targets are local.
run test bench messages: export DEBUG := 1
run: export PORT := $(PORT)
# The site's own 404 and 500 pages, as in production (minqing.error_pages), not Django's technical ones.
run: export SITE_ERROR_PAGES := 1
# DATABASE_URL / REDIS_URL need nothing here: make passes the environment (and variables given on
# the command line, as in `make test DATABASE_URL=...`) through to every recipe.

.DEFAULT_GOAL := help
.PHONY: help run test bench lint messages clean

help:
	@echo "make run       create .venv, migrate, seed the demo (with 12 weeks of past reports), start web + Celery worker + beat on 127.0.0.1:$(PORT)"
	@echo "make test      ruff, the import layers (lint-imports), then the whole test suite (DATABASE_URL / REDIS_URL from the environment)"
	@echo "make bench     every benchmark under bench/ (files starting with _ are helpers)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make messages  update and compile the zh_Hans translations"
	@echo "make clean     remove .venv and caches (keeps var/: the database and uploads)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamps: pip runs again only when a requirements file is newer than the last install.
$(VENV)/.requirements.stamp: requirements.txt | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.requirements-dev.stamp: requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.requirements.stamp

run: $(VENV)/.requirements.stamp
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --history
	VENV=$(VENV) scripts/run.sh

# pytest exits 5 when it collects no tests, so an empty run is a failure here too.
test: $(VENV)/.requirements-dev.stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

bench: $(VENV)/.requirements-dev.stamp
	@set -e; files=$$(ls bench/[!_]*.py 2>/dev/null || true); \
	if [ -z "$$files" ]; then echo "bench: no benchmarks under bench/ yet"; exit 0; fi; \
	for f in $$files; do echo "== $$f"; PYTHONPATH=$(CURDIR) $(PY) $$f; done

lint: $(VENV)/.requirements-dev.stamp
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: $(VENV)/.requirements.stamp
	$(PY) manage.py makemessages -l zh_Hans --ignore=$(VENV) --ignore=var
	$(PY) manage.py compilemessages -l zh_Hans --ignore=$(VENV) --ignore=var

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache var/staticfiles var/test.sqlite3*
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

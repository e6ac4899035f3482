# cxm: `make run` (app + worker with demo data), `make test` (every test), `make lint`, `make bench`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export FLASK_APP := wsgi.py

.PHONY: run test lint bench deps assets services db chromium clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

deps: $(VENV)/.installed

app/static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: app/static/vendor/htmx.min.js

services:
	@bash scripts/ensure-services.sh

db: deps services
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask measurement install

run: deps assets services db
	@$(VENV)/bin/flask demo load --if-empty
	@echo ""
	@echo "cxm: http://127.0.0.1:5000  (web server and worker start below; Ctrl+C stops both)"
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: deps assets services chromium
	$(VENV)/bin/pytest

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: deps services
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules app/static/vendor

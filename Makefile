# Luotsi: `make run` serves the demo county, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock requirements-dev.lock | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install lint migrations-check messages bench probe clean

$(STAMP): requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit("Luotsi needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock -r requirements-dev.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The OpenID Connect provider the sign-in tests run (tests/oidc), when node is present.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	if command -v node >/dev/null 2>&1; then npm ci --prefix tests/oidc --no-audit --no-fund; fi

install: $(STAMP) tests/oidc/node_modules/.package-lock.json

run: install
	LUOTSI_DEMO=1 $(BIN)/python manage.py migrate --noinput
	LUOTSI_DEMO=1 $(BIN)/python manage.py seed_demo --scale small --if-empty
	LUOTSI_DEMO=1 $(BIN)/python manage.py demo_logins --host $(HOST) --port $(PORT)
	LUOTSI_DEMO=1 $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

# The production server (docs/operations.md): after `manage.py migrate` and
# `manage.py collectstatic --noinput`, with the environment of .env.example set. It only serves:
# it installs nothing (a production checkout installs requirements.lock alone, no development tools).
serve:
	$(BIN)/gunicorn -c config/gunicorn.conf.py config.wsgi

test: install
	$(BIN)/ruff check .
	LUOTSI_DEMO=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	LUOTSI_DEMO=1 $(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadfile --cov --cov-report=term:skip-covered

lint: install
	$(BIN)/ruff check .

messages: install
	LUOTSI_DEMO=1 $(BIN)/python manage.py makemessages -l fi -l sv -l en --no-obsolete --no-location
	LUOTSI_DEMO=1 $(BIN)/python manage.py compilemessages

bench: install
	$(BIN)/python bench/bench_people.py

probe: install
	$(BIN)/python tests/probe/run_schemathesis.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

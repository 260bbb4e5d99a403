# CHQS developer commands. `make run` and `make test` are the two a newcomer needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install lint fmt migrate seed check clean audit wheelhouse bench-install load drills

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## run: install, migrate an embedded SQLite database, load the demo province, serve on :8000
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## test: install, lint, check migrations, run the whole suite on SQLite (and PostgreSQL when reachable)
test: $(STAMP)
	bin/test

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

fmt: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## audit: known vulnerabilities in the installed packages (needs network; see bin/audit)
audit: $(STAMP)
	$(PY) bin/audit

## wheelhouse: every wheel the server needs, for an offline install (deploy/README in README.md)
wheelhouse:
	PYTHON=$(PYTHON) deploy/build-wheelhouse.sh

bench-install: $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,bench]"

## load: the 50-user load drill against gunicorn + PostgreSQL (LOAD_DB: a database of its own)
LOAD_DB ?= postgres://postgres@127.0.0.1:5432/chqs_load
load: bench-install
	DATABASE_URL=$(LOAD_DB) $(PY) bench/load/scale_demo.py --people 50000
	$(PY) bench/load/run_load.py --database-url $(LOAD_DB)

## drills: the fault drills (worker SIGKILL, PostgreSQL restart on a throwaway cluster, disk full; root)
drills: $(STAMP)
	$(PY) bench/faults/kill_worker.py
	$(PY) bench/faults/pg_restart.py
	$(PY) bench/faults/disk_full.py

clean:
	rm -rf $(VENV) db.sqlite3 var

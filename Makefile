# KetaCare: two commands on a fresh machine.
#   make run   - venv, install, migrate SQLite, demo data, serve on http://127.0.0.1:8000
#   make test  - install test needs (PostgreSQL, Chromium, dev deps), run everything on SQLite and PostgreSQL
.PHONY: run test venv lint clean

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Django 6.1 needs Python >= 3.12: look on PATH first, then in pyenv's versions.
FIND_PYTHON := for p in python3.14 python3.13 python3.12 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done; exit 1

$(PY):
	@base=$$($(FIND_PYTHON)) || { echo "KetaCare needs Python 3.12 or newer; none found on PATH or in pyenv." >&2; exit 1; }; \
	echo "Using $$base"; $$base -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/ketacare migrate
	$(VENV)/bin/ketacare demo
	$(VENV)/bin/ketacare serve

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) var

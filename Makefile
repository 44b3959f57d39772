# KetaCare: two commands on a fresh machine.
#   make run   - venv, install, migrate SQLite, demo data, serve on http://127.0.0.1:8000 (with the task worker)
#   make test  - install test needs (PostgreSQL, Chromium, dev deps), run everything on SQLite and PostgreSQL
#   make mutation - do tests/clinical catch a wrong safety rule? (mutmut; slow, not part of make test)
#   make lock  - refresh uv.lock after a change to pyproject.toml (make upgrade: newest allowed releases)
.PHONY: run test venv lint lock upgrade clean mutation

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# uv installs exactly what uv.lock pins. It lives in its own small venv (uv sync removes from
# .venv whatever the lock does not list) and must never fetch a Python of its own: it always
# gets the interpreter found below.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never

# Django 6.1 needs Python >= 3.12: look on PATH first, then in pyenv's versions.
FIND_PYTHON := for p in python3.14 python3.13 python3.12 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; exit 0; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv); \
	for p in $$(ls -d $$root/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; \
	done; exit 1
BASE := base=$$($(FIND_PYTHON)) || { echo "KetaCare needs Python 3.12 or newer; none found on PATH or in pyenv." >&2; exit 1; }

# A venv made by Python itself keeps pip for one-off tools (e.g. the benchmark peer in docs/).
$(PY):
	@$(BASE); echo "Using $$base"; $$base -m venv $(VENV)

$(UV):
	@$(BASE); $$base -m venv $(TOOLS) && $(TOOLS)/bin/python -m pip install -q uv==$(UV_VERSION)

# --locked (not --frozen): a pyproject.toml changed without `make lock` stops here with uv's hint
# instead of silently installing the old set. The project itself is installed editable.
$(STAMP): $(PY) $(UV) pyproject.toml uv.lock
	@$(BASE); $(UV) sync --locked --extra dev --python $$base || { \
	  echo "Installing from uv.lock failed. If uv.lock needs updating: make lock, and commit uv.lock." >&2; exit 1; }
	touch $(STAMP)

venv: $(STAMP)

lock: $(UV)
	@$(BASE); $(UV) lock --python $$base

upgrade: $(UV)
	@$(BASE); $(UV) lock --upgrade --python $$base

run: $(STAMP)
	$(VENV)/bin/ketacare migrate
	$(VENV)/bin/ketacare demo
	$(VENV)/bin/ketacare worker & trap "kill $$!" EXIT INT TERM; $(VENV)/bin/ketacare serve

test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Mutation testing of the clinical safety rules (docs/mutation-testing.md): a fresh run each
# time (mutants/ is mutmut's work copy), one test process at a time on this shared machine.
# Narrow it while working on one module: make mutation MUTANTS='ketacare.clinical.dosing*'
MUTANTS ?=
mutation: $(STAMP)
	rm -rf mutants
	KETACARE_VAR_DIR=$$(mktemp -d) nice $(VENV)/bin/mutmut run --max-children 1 $(if $(MUTANTS),'$(MUTANTS)')
	$(PY) scripts/mutation_scores.py

clean:
	rm -rf $(VENV) $(TOOLS) var mutants

# Two commands for a new user: `make run` (demo server) and `make test` (whole test suite).
# Everything else an operator does goes through the `kinerja` command in .venv/bin.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint typecheck messages

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# Creates the SQLite database (WAL), loads the demo Pemda once, serves http://127.0.0.1:8000.
run: install
	DEBUG=true $(BIN)/kinerja demo --if-empty
	DEBUG=true $(BIN)/kinerja serve

# SQLite by default; PostgreSQL when DATABASE_URL is set. Browser tests skip without chromium.
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

typecheck: install
	DEBUG=true $(BIN)/mypy

messages: install
	cd kinerja && ../$(BIN)/kinerja makemessages -l id --ignore 'tests/*' && ../$(BIN)/kinerja compilemessages

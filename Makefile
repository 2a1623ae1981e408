# Everyday commands. `make demo` and `make test` work on a fresh machine: they install first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-sqlite test-postgres lint format messages serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install, create var/kinlink.sqlite3 with a synthetic county, and serve on 127.0.0.1:8000.
demo: install
	$(BIN)/kinlink demo

## Install and run every test: lint, migrations check, translations, SQLite, then PostgreSQL.
test: install
	bash scripts/test.sh

test-sqlite: install
	$(BIN)/pytest -n 2 -m "not browser"

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kinlink} $(BIN)/pytest -n 2 -m "not browser"

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

## Refresh the message catalogues after changing user-facing strings.
messages: install
	cd src/kinlink && ../../$(BIN)/kinlink makemessages -l zh_Hans --no-obsolete --no-location
	cd src/kinlink && ../../$(BIN)/kinlink compilemessages

serve: install
	$(BIN)/kinlink serve

clean:
	rm -rf $(VENV) var .pytest_cache

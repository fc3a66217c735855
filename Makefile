# The two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint schema migrations bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

tests/audit/node_modules: tests/audit/package-lock.json
	cd tests/audit && npm ci --silent --no-audit --no-fund
	touch $@

## make run: install, migrate, load demo data on first start, serve http://127.0.0.1:8000
run: $(VENV)/.installed
	$(BIN)/haowu migrate
	$(BIN)/haowu seed-demo --if-empty
	$(BIN)/haowu serve

## make test: install test needs and run the suite (embedded; PostgreSQL + Redis too when
## TEST_DATABASE_URL and TEST_REDIS_URL are set)
test: $(VENV)/.installed-test tests/audit/node_modules
	scripts/ensure-chromium
	$(BIN)/ruff check community search tests bench
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ] && [ -n "$$TEST_REDIS_URL" ]; then \
		echo "== the suite again on PostgreSQL + Redis server =="; \
		HAOWU_TEST_BACKEND=server $(BIN)/python -m pytest; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check community search tests bench

schema: $(VENV)/.installed
	$(BIN)/haowu schema

migrations: $(VENV)/.installed
	$(BIN)/haowu makemigrations

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var tests/audit/node_modules

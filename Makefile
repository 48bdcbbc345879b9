# The two commands a new machine needs: `make run` (the product with its demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
# The suite runs on every core (xdist); CI's machines have two. `make test PYTEST_WORKERS=0` runs it serially.
# worksteal, not loadscope/loadgroup: those key tests by id and silently drop the 81 schemathesis
# cases that share one id (tests/web/test_api_schema.py).
PYTEST_WORKERS ?= $(if $(CI),2,auto)
# Python dependencies install from hashed locks made from pyproject.toml by `make lock`.
LOCKS := requirements.lock requirements-test.lock
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --custom-compile-command "make lock"

.PHONY: run test bench lint format assets setup setup-test system-deps test-system-deps bench-system-deps clean lock lock-check

run: setup
	$(BIN)/socialvalue demo

test: setup-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: setup-test bench-system-deps
	@missed=""; for script in tests/bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || missed="$$missed $$script"; done; \
	if [ -n "$$missed" ]; then echo "bars missed or failed in:$$missed"; exit 1; fi

lint: setup-test
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy src/socialvalue/core
	$(BIN)/lint-imports

format: setup-test
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

setup: lock-check system-deps $(VENV)/.installed assets

setup-test: lock-check system-deps test-system-deps $(VENV)/.installed-test assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml requirements-test.lock
	$(BIN)/pip install -q -r requirements-test.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(VENV)/.installed

# A lock made from other dependencies than pyproject.toml's stops the build with one line.
lock-check:
	@$(PYTHON) scripts/lockstamp.py check $(LOCKS)

# Re-resolve every dependency to its newest allowed release, for Python 3.11 on Linux x86_64.
lock: $(BIN)/python
	$(BIN)/pip install -q 'uv>=0.5,<1'
	$(UV_COMPILE) -o requirements.lock
	$(UV_COMPILE) --extra test -o requirements-test.lock
	$(PYTHON) scripts/lockstamp.py stamp $(LOCKS)

assets: node_modules/.package-lock.json
	npm run -s build

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Pango is what WeasyPrint draws PDFs with.
system-deps:
	@ldconfig -p | grep -q libpangoft2-1.0 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; }

# Debian's chromium for the browser tests (no browser download), poppler's pdftotext for reading PDFs back,
# nginx and openssl for the TLS proxy test (tests/ops).
test-system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium poppler-utils; }
	@test -x /usr/sbin/nginx && command -v openssl >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq nginx openssl; }

# ApacheBench drives the HTTP benchmarks.
bench-system-deps:
	@command -v ab >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq apache2-utils; }

clean:
	rm -rf $(VENV) node_modules src/socialvalue/web/static_build

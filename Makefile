# Motcua. `make run` serves the demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint bench bench-tools deploy-tools test-tools migrate demo clean browsers system-packages

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo signs results with the development CA that demo_load writes there (docs/signing.md).
run: export MOTCUA_SIGNING_DIR ?= $(CURDIR)/var/signing
# The development server is threaded: each waiting-room display's event stream holds one thread,
# enough for a few screens. Production serves the stream from uvicorn (docs/floor.md).
# runserver_demo starts the scheduler (motcua run_huey) as its child and stops it on exit.
run: $(STAMP) system-packages
	$(BIN)/motcua migrate --noinput
	$(BIN)/motcua demo_load
	$(BIN)/motcua runserver_demo $(HOST):$(PORT)

# Two workers: the suite is CPU-bound and CI machines have two cores.
test: $(STAMP) browsers deploy-tools test-tools
	$(BIN)/pytest -n 2

test-fast: $(STAMP)
	$(BIN)/pytest -m "not browser"

# Debian packages a target needs, installed when missing (needs root, as on CI); otherwise the
# target says what to install. One place for every system package the project uses:
#   fonts-liberation  Times New Roman metrics for the printed forms (WeasyPrint)
#   chromium          the browser tests (Playwright drives Debian's chromium)
#   espeak-ng         the waiting-room display's spoken calls (Vietnamese voice, motcua.floor)
#   nginx-light, redis-server, postgresql-client, openssl
#                     the multi-node test (tests/ops/test_deploy.py) and motcua backup
#                     (pg_dump/pg_restore); the test skips, saying why, without them
#   poppler-utils     pdftotext for the printed-form tests (they skip, saying why, without it)
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq
define need_packages
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; (apt-get update -qq && $(APT_INSTALL)$$missing >/dev/null) \
	    || echo "could not install:$$missing"; \
	  else echo "missing Debian packages:$$missing (apt-get install$$missing)"; fi; fi
endef

system-packages:
	$(call need_packages,fonts-liberation espeak-ng)

browsers: system-packages
	$(call need_packages,chromium)

deploy-tools: system-packages
	$(call need_packages,nginx-light redis-server postgresql-client openssl)

# pdftotext and pdftoppm: the printed-form tests read the PDFs' text (tests/printing/pdfcheck.py).
test-tools: system-packages
	$(call need_packages,poppler-utils)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/python scripts/mypy_baseline.py

bench: $(STAMP) bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The HTTP figures drive the server with wrk; without it bench/run.py stops at once and says so.
bench-tools: system-packages
	$(call need_packages,wrk)

clean:
	rm -rf $(VENV) var/*.sqlite3*

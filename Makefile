# claimwatch: `make demo` and `make test` work on a fresh clone (they create .venv first).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared
export CLAIMWATCH_DB ?= warehouse/claimwatch.duckdb
export CLAIMWATCH_SOURCES ?= sources.yaml
export CLAIMWATCH_ALERTS_FILE ?= alerts.jsonl
export CLAIMWATCH_ALERT_URLS ?=

.PHONY: install demo test test-unit lint eval dev run bench bench-scale docs package-check report-check

$(BIN)/claimwatch: pyproject.toml
	@echo "== creating $(VENV) and installing claimwatch with its dependencies (a few minutes on a fresh machine)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --progress-bar off -e '.[dev]'
	@echo "== installed: $(BIN)/claimwatch (source $(BIN)/activate to put it on PATH)"
	touch $@

install: $(BIN)/claimwatch  ## create .venv and install the project with dev tools

demo: install  ## run the whole pipeline on the bundled sample site and print the alerts (the run shows in make dev)
	mkdir -p dagster_home
	DAGSTER_HOME=$(CURDIR)/dagster_home $(BIN)/claimwatch demo

test: install  ## the test suite (no network, no ../shared needed)
	$(BIN)/python -m pytest -q

test-unit: install  ## the tests that start no server, crawler or Dagster run (pytest -m "not integration")
	$(BIN)/python -m pytest -q -m "not integration"

lint: install  ## ruff and mypy (zero errors)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

eval: install  ## scores on ../shared (claims, cleaning, sample-site crawl) against pinned floors
	$(BIN)/python -m evaluation.run_all --shared $(SHARED)

run: install  ## crawl the real sources in sources.yaml
	$(BIN)/claimwatch run --sources $(CLAIMWATCH_SOURCES) --db $(CLAIMWATCH_DB)

report-check: install  ## the demo's report opened in headless Chromium at 1366 px: checked, screenshot in build/report-check
	mkdir -p build
	$(BIN)/claimwatch demo --out build/report-check > build/report-check.log 2>&1 || (cat build/report-check.log; exit 1)
	$(BIN)/claimwatch report --db build/report-check/claimwatch.duckdb --out build/report-check/report.html
	$(BIN)/python -m pipelines.report_check build/report-check/report.html --screenshot build/report-check/report.png

dev: install  ## Dagster UI with the asset graph, hourly schedule and alert sensor
	mkdir -p dagster_home
	DAGSTER_HOME=$(CURDIR)/dagster_home exec $(BIN)/python -m pipelines.dev_server

bench: install  ## throughput, speed-up, memory, crawl, freshness (alert latency) and hostile-text benchmarks -> benchmarks/results.md
	$(BIN)/python benchmarks/pipeline_throughput.py --generated 10000 --crawl-pages 5000 --rounds 5 --generated-rounds 3
	$(BIN)/python benchmarks/freshness.py --feeds 1000 10000 --minutes 10
	$(BIN)/python benchmarks/adversarial_claims.py
	$(MAKE) bench-scale

bench-scale: install  ## the claims backfill on one writer, processes and 1 or 2 celery workers (needs redis-server) -> benchmarks/results.md
	$(BIN)/python benchmarks/backfill_scale.py --pages 10000 --rounds 2

package-check:  ## a non-editable `pip install .` in a fresh venv runs the demo (every data file is package data)
	rm -rf build/package-check && $(PYTHON) -m venv build/package-check/venv
	build/package-check/venv/bin/pip install --quiet .
	cd build/package-check && venv/bin/claimwatch demo --out demo --port 0 > demo.log && tail -3 demo.log

docs: install  ## docs/warehouse.md and warehouse/schema/columns.yaml from the warehouse's COMMENT ON metadata (a test checks both)
	$(BIN)/python -m warehouse.docs

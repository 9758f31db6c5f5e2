# The two commands of the README:
#   make run    set up, build the bundled sample and serve it on http://127.0.0.1:8000/
#   make test   set up (Python packages, Chromium, npm packages) and run the whole test suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup setup-test lint bench clean

run: setup
	$(BIN)/kamergraph serve --host $(HOST) --port $(PORT)

test: setup-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed

setup-test: setup $(VENV)/.installed-test .browser-installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

# Front-end (query page) and the W3C test runner come from the npm registry.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

# A real browser for the web page tests: Debian's Chromium and ChromeDriver.
.browser-installed:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
	touch $@

lint: setup-test
	$(BIN)/ruff check kamergraph builder server tests benchmarks
	$(BIN)/mypy

# Every benchmark, figures to stdout and JSON in benchmarks/results/ (not committed).
BENCH_DURATION ?= 20
bench: setup-test
	@command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null)
	mkdir -p benchmarks/results
	$(BIN)/python benchmarks/bench_parse.py --documents 1000
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_build.py --documents 1000 --jobs 1 2 --json benchmarks/results/bench_build.json
	$(BIN)/python benchmarks/bench_queries.py --json benchmarks/results/bench_queries.json
	$(BIN)/python benchmarks/bench_server.py --duration $(BENCH_DURATION) --json benchmarks/results/bench_server.json

clean:
	rm -rf $(VENV) node_modules .browser-installed .pytest_cache

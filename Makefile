# Every target sets itself up: a fresh machine with Python 3.11 and make needs nothing else.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint install clean fuzz bench browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the project metadata changes; editable, so source edits need no reinstall.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/assess demo

# The HTML screenshot tests need a headless Chromium and the PDF page tests pdftoppm: installed here where the
# system package manager is ours to use (root with apt-get, as in CI); elsewhere those tests skip, saying so.
browser:
	@if command -v chromium-headless-shell >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium-headless-shell poppler-utils >/dev/null \
		|| echo "make: could not install chromium-headless-shell: the screenshot tests will skip"; \
	else echo "make: no chromium-headless-shell (apt-get install chromium-headless-shell poppler-utils): the screenshot tests will skip"; fi

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# The long adversarial campaign: thousands of property-based cases and the slow hostile-input tests.
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -m '' tests/adversarial

# Speed against ast-grep's CLI and semgrep on pinned real code (corpus built once in ~/.cache/assess-bench).
# BENCH_ARGS=--readme writes the table into README.md; --quick, --runs N, --no-semgrep, --no-10x.
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS ?=

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check assess tests
	$(BIN)/ruff format --check assess tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) assess-demo build dist

# Every target sets itself up: a fresh machine with Python 3.11 and make needs nothing else.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev

.PHONY: demo test lint install clean fuzz bench

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

test: $(STAMP)
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

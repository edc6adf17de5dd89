# arapol: `make demo` and `make test` work on a fresh clone with nothing installed.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch; installed first so no requirement pulls the CUDA builds.
TORCH_PIN ?= torch==2.13.0
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint install install-dev bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q $(TORCH_PIN)
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check arapol tests scripts

test: $(DEV_STAMP)
	$(BIN)/ruff check arapol tests scripts
	$(BIN)/python -m pytest

bench: $(DEV_STAMP)
	$(BIN)/python scripts/bench_text.py

clean:
	rm -rf $(VENV) build *.egg-info

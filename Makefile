# Two commands do all the set-up on a fresh machine:
#   make demo   - create .venv on first use, install gymlab, run the main job (gymlab compare)
#   make test   - the same set-up, then lint (ruff, import-linter) and the test suite
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install demo test test-slow bench clean

install: $(STAMP)

# torch first, pinned to the CPU build: stable-baselines3 needs torch, and an
# unpinned torch pulls a multi-GB CUDA build that a CPU-only laptop never uses.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The main job: greedy baselines, exact solvers and learned agents side by side on all three
# envs (5 seeds per learned or randomised agent; about 20 minutes on 2 cores), written to runs/compare/ as results.csv/json, PNG plots and report.md.
demo: $(STAMP)
	$(VENV)/bin/gymlab compare --workers 2 --out runs/compare

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) tools/lint_imports.py
	$(PY) -m pytest -m "not slow" -n 2 -q

test-slow: $(STAMP)
	$(PY) -m pytest -m slow -q

# Every benchmark script in turn (minutes; some write a 500 MB temp file).
bench: $(STAMP)
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Two entry points: `make demo` (set up, ingest the samples, render every sample report) and
# `make test` (set up, run the whole test suite). Both create .venv/ and are idempotent.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test setup browser lint format bench notebooks clean

demo: $(STAMP)
	$(BIN)/opsworkbench demo --jobs 2

test: $(STAMP) browser
	$(BIN)/pytest

# The browser test opens a report in headless Chromium (Debian's package; installed when root).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Chromium for the browser test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium not found: the browser test will be skipped (Debian: sudo apt-get install chromium)"; \
		fi; }

setup: $(STAMP)

# uv installs about ten times faster than pip; use it when it can be had, else plain pip.
# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set, every report kernel and
# command would otherwise recompile pandas, altair and scikit-learn from source.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed ($(PYTHON) is older)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if $(BIN)/python -m pip install -q uv 2>/dev/null && $(BIN)/python -m uv --version >/dev/null 2>&1; then \
		$(BIN)/python -m uv pip install -q --compile-bytecode --python $(BIN)/python -e '.[dev]'; \
	else \
		$(BIN)/python -m pip install -q -e '.[dev]'; \
	fi
	@touch $@

lint: $(STAMP)
	$(BIN)/ruff check opsworkbench tests bench
	$(BIN)/ruff format --check opsworkbench tests bench

format: $(STAMP)
	$(BIN)/ruff format opsworkbench tests bench
	$(BIN)/ruff check --fix opsworkbench tests bench

bench: $(STAMP)
	$(BIN)/python bench/render.py
	$(BIN)/python bench/analyse.py
	$(BIN)/python bench/imports.py
	$(BIN)/python bench/ingest_scale.py
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/explore.py
	$(BIN)/python bench/workshop.py

# Re-pair notebooks after editing the .py files (keeps the committed .ipynb output-free).
notebooks: $(STAMP)
	$(BIN)/jupytext --sync opsworkbench/report/notebook/*.py opsworkbench/explorer/notebook/*.py opsworkbench/workshop/notebook/*.py

clean:
	rm -rf $(VENV) workspace reports/*/ reports/index.html .pytest_cache

# Two commands, each doing its own setup:  make demo   and   make test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

# The optional transformer backend's tests need torch: the CPU build, pinned (an open
# range would pull the CUDA build); where it cannot be installed those tests skip.
TRANSFORMER := $(VENV)/.transformer
$(TRANSFORMER): $(STAMP)
	-$(BIN)/python -m pip install -q "torch==2.13.0" && $(BIN)/python -m pip install -q -e '.[transformer]'
	touch $(TRANSFORMER)

## Build the sample shop workbook (kakobuy-demo.xlsx) and refresh it.
demo: $(STAMP)
	$(BIN)/kakobuy demo

## Run the whole test suite (installs LibreOffice for the workbook tests when it can).
test: $(STAMP) $(TRANSFORMER) system-deps
	$(BIN)/python -m pytest

system-deps:
	@bash scripts/install-system-deps.sh

## Benchmarks: refresh of a 100,000-interaction workbook.
bench: $(STAMP)
	$(BIN)/python bench/refresh.py --rows 100000

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache bench/out

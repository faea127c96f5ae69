# The two commands a newcomer needs: `make build` and `make test`.
# Both bootstrap .venv/ from the pinned lock file on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint pytest fuzz schema docs bench lock clean

build: $(STAMP)
	$(BIN)/agreementgen build

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench templates
	$(BIN)/ruff format --check src tests bench templates
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The property tests with FUZZ_SCALE times their examples, drawn anew on each run (make test
# draws the same ones every time): about 12 minutes on two cores; FUZZ_SCALE=3 for a shorter run.
FUZZ_SCALE ?= 10
fuzz: $(STAMP)
	FUZZ_SCALE=$(FUZZ_SCALE) $(BIN)/pytest -q $(FUZZ_TESTS)

FUZZ_TESTS := tests/test_property.py tests/test_property_input.py tests/test_sandbox.py

schema: $(STAMP)
	$(BIN)/agreementgen schema

bench: $(STAMP)
	$(BIN)/python bench/run.py

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/pip-compile --extra dev --strip-extras --no-emit-index-url --no-emit-find-links \
		-q -o requirements.lock pyproject.toml

# Byte-compile at install: these machines set PYTHONDONTWRITEBYTECODE, so without
# it every CLI start would compile the whole dependency tree again.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q src $(VENV)/lib
	touch $(STAMP)

clean:
	rm -rf $(VENV) output/*/ .pytest_cache .mypy_cache .ruff_cache

docs: $(STAMP)
	$(BIN)/python -m tests.test_docs

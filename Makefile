# The two commands a newcomer needs: `make build` and `make test`.
# Both bootstrap .venv/ from the pinned lock file on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint pytest fuzz schema docs bench lock clean messages

build: $(STAMP)
	$(BIN)/agreementgen build

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench templates examples
	$(BIN)/ruff format --check src tests bench templates examples
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

# The Danish messages: extract every text marked tr/ntr/N_ into the template (.pot), merge it
# into the Danish catalog (.po; new texts come in untranslated, never guessed from a similar
# one) and compile that (.mo, which the package reads). All three are committed, and the same
# code gives the same bytes: no dates, no line numbers, sorted.
LOCALE := src/agreementgen/locale
messages: $(STAMP)
	$(BIN)/pybabel -q extract --no-default-keywords -k tr -k ntr:1,2 -k N_ \
		--omit-header --no-location --sort-output --no-wrap \
		-o $(LOCALE)/agreementgen.pot src/agreementgen
	$(BIN)/pybabel -q update -D agreementgen -i $(LOCALE)/agreementgen.pot -d $(LOCALE) -l da \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --no-wrap
	$(BIN)/pybabel -q compile -D agreementgen -d $(LOCALE) -l da

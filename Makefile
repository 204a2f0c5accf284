# Quick start: `make run` (set up and run the built-in example) and `make test` (set up and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean bench validate i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: the personal report for the built-in example person (prints where it is).
run: $(STAMP)
	$(BIN)/myotwin report --out myotwin-report.html

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

validate: $(STAMP)
	$(BIN)/myotwin validate

# After changing a report message: extract and merge into the Dutch catalogue, then translate
# the new entries in src/myotwin/locale/nl/LC_MESSAGES/myotwin.po (tests check completeness).
i18n: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F pyproject.toml -k N_ --no-location --sort-output \
		--project myotwin -o build/myotwin.pot .
	$(BIN)/pybabel update -i build/myotwin.pot -d src/myotwin/locale -D myotwin -l nl \
		--no-fuzzy-matching --ignore-obsolete

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/trial.py
	$(BIN)/python benchmarks/web.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

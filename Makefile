# simfuel: two commands do everything on a fresh machine.
#   make demo  - create .venv, install simfuel, run the Mali 2025 scenario, write out/mali-2025/
#   make test  - create .venv, install with dev extras, run ruff, mypy and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SEED   ?= 2025

.PHONY: demo test lint typecheck pytest bench docs figures notebooks mutation clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.installed-dev

demo: $(VENV)/.installed-dev
	$(BIN)/simfuel run scenarios/mali-2025.yaml --seed $(SEED) --out out/mali-2025
	rm -rf out/mali-2025-ensemble
	$(BIN)/simfuel run scenarios/mali-2025.yaml --seed $(SEED) --reps 200 --out out/mali-2025-ensemble
	$(BIN)/simfuel report scenarios/mali-2025.yaml --seed $(SEED) --reps 200 --out out/mali-2025-report
	@echo "report: $(CURDIR)/out/mali-2025-report/report.html"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check simfuel tests benchmarks docs/figures.py notebooks/execute.py
	$(BIN)/ruff format --check simfuel tests benchmarks docs/figures.py notebooks/execute.py

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

docs: $(VENV)/.installed-dev
	$(BIN)/simfuel schema --markdown --out docs/scenario-format.md

notebooks: $(VENV)/.installed-dev
	$(BIN)/python notebooks/execute.py

figures: $(VENV)/.installed-dev
	$(BIN)/python docs/figures.py

# Mutation testing of the engine (simfuel/model, simfuel/sim; see [tool.mutmut] in
# pyproject.toml). Not part of `make test`: it takes hours on one core. Results in mutants/.
mutation: $(VENV)/.installed-dev
	$(BIN)/mutmut run --max-children $(or $(JOBS),1)
	$(BIN)/mutmut results

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis

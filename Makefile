# simfuel: two commands do everything on a fresh machine.
#   make demo  - create .venv, install simfuel (runtime dependencies only), run the Mali 2025
#                scenario, write out/mali-2025/, an ensemble and a report
#   make test  - create .venv, install with dev extras, run ruff, mypy and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The CLI's default seed (simfuel.cli.DEFAULT_SEED): `make demo` prints what
# `simfuel run mali-2025` prints.
SEED   ?= 0

.PHONY: demo test lint typecheck pytest bench docs figures notebooks mutation clean venv

# The venv's own pip (ensurepip) installs editable pyproject projects; upgrading it first
# cost the demo a download and seconds for nothing.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Two stamps: the demo needs simfuel and its runtime dependencies only; the dev tools
# (pytest, ruff, mypy, Jupyter kernel, the optional extras) are for `make test` and friends.
# --no-compile: byte-compiling every module of pandas, matplotlib and pyarrow is a third of
# the install; Python compiles the few modules the demo imports when it imports them.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-runtime

venv: $(VENV)/.installed-dev

demo: $(VENV)/.installed-runtime
	$(BIN)/simfuel run mali-2025 --seed $(SEED) --out out/mali-2025
	rm -rf out/mali-2025-ensemble
	$(BIN)/simfuel run mali-2025 --seed $(SEED) --reps 200 --out out/mali-2025-ensemble
	@# The report reuses the stored ensemble rather than running the same 200 replications.
	$(BIN)/simfuel report --from out/mali-2025-ensemble --out out/mali-2025-report --force
	@echo "report: $(CURDIR)/out/mali-2025-report/report.html"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check simfuel tests benchmarks docs/figures.py notebooks/execute.py
	$(BIN)/ruff format --check simfuel tests benchmarks docs/figures.py notebooks/execute.py
	$(BIN)/lint-imports  # the floors of the README's architecture (pyproject.toml)

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# pytest-xdist: one test process per core (PYTEST_WORKERS=0 runs them in this process),
# tests handed out one at a time; tests/conftest.py puts the notebooks first.
PYTEST_WORKERS ?= auto
pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) --maxschedchunk 1

test: lint typecheck pytest

docs: $(VENV)/.installed-dev
	$(BIN)/simfuel schema --markdown --out docs/scenario-format.md

notebooks: $(VENV)/.installed-dev
	$(BIN)/python notebooks/execute.py

figures: $(VENV)/.installed-dev
	$(BIN)/python docs/figures.py

# Mutation testing of the engine (simfuel/model, simfuel/sim; see [tool.mutmut] in
# pyproject.toml). Not part of `make test`. Results in mutants/.
#   make mutation SAMPLE=300   a fixed-seed random sample of the mutants (SAMPLE_SEED, 0):
#                              counts, kill rate with its 95 % Wilson interval, survivors
#   make mutation              every mutant: many hours on one core (JOBS=2 uses two)
# mutmut imports the mutated copy in mutants/, so PYTHONPATH must not point at the sources;
# tests/mutmut_hang_guard.py stops a mutant that hangs in the test that hangs.
SAMPLE_SEED ?= 0
mutation: $(VENV)/.installed-dev
ifdef SAMPLE
	env -u PYTHONPATH $(BIN)/python .ci/mutation_sample.py --sample $(SAMPLE) \
		--seed $(SAMPLE_SEED) --max-children $(or $(JOBS),1)
else
	env -u PYTHONPATH PYTEST_ADDOPTS="-p tests.mutmut_hang_guard" \
		$(BIN)/mutmut run --max-children $(or $(JOBS),1)
	$(BIN)/mutmut results
endif

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache mutants

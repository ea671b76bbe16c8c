# The workbook's front door. Each target does its own set-up: it creates .venv when missing and
# (re)installs the project when pyproject.toml changes, so `make report` and `make test` work
# on a fresh clone with nothing installed by hand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_CYCLE := 2009-Q4
# the demo's four quarters, run oldest first, so 2009-Q4's trends read the earlier quarters' runs
DEMO_CYCLES := 2009-Q1..$(DEMO_CYCLE)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup report test lint lab bench clean clean-notebooks bytecode

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

# The project's own processes cache their bytecode (in .venv, src/ and tests/, all ignored by git), as
# Python does by default, even where the machine sets PYTHONDONTWRITEBYTECODE: without a cache, each of
# the many processes a run or the tests start (kernel templates, Dask workers, JupyterLab and its kernels,
# each test process rewriting the tests' asserts) compiles every module it imports again.
unexport PYTHONDONTWRITEBYTECODE

# uv (from PyPI) installs the environment in seconds where pip takes half a minute. uv reads none of pip's
# configuration (indexes, certificates, constraints): it installs from PyPI, and where it cannot (a proxy
# only pip is set up for, no uv for this platform) pip installs, as configured. The packages' modules are
# then compiled on every core, their own test suites left out (a module left out is compiled when a
# process first imports it): compiled at first import instead, the test processes, starting together,
# would each compile the same modules at the same moment.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv && $(BIN)/python -m uv pip install --quiet --python $(BIN)/python -e '.[test]' \
	  || $(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q -j 0 -x '/tests?/' $(VENV)/lib > /dev/null \
	  || echo 'NOTE: some modules could not be compiled ahead; each is compiled (or fails) when imported'
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the workbook with its test tools

# The workbook's own sources compiled once here (only what changed since), before the test processes
# start together and would each compile all of src/review at the same moment (about 0.4 s of CPU each).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src

report: bytecode  ## run the quarterly batch on the demo's four quarters (to 2009-Q4), then print 2009-Q4's board pack; says where both are
	$(BIN)/review run --cycle $(DEMO_CYCLES) --force
	@# The board pack needs an installed Chromium, Chrome or Edge: without one (exit 2, with how to get it) the
	@# reports stand and this target still succeeds; any other failure fails it.
	@$(BIN)/review pack --cycle $(DEMO_CYCLE); status=$$?; \
	if [ $$status -eq 2 ]; then echo "NOTE: no board pack this time (see above); the reports are complete. Once fixed: $(BIN)/review pack --cycle $(DEMO_CYCLE)"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

lint: $(STAMP)  ## ruff over the package, tests and benchmarks; mypy over src/review (tests/test_lint.py)
	$(BIN)/python -m pytest -q -p no:xdist tests/test_lint.py

# The linters run inside the test run (tests/test_lint.py), beside the other tests.
test: bytecode  ## every test, the linters too: unit, papermill, end-to-end and nbval regression checks
	$(BIN)/python -m pytest -n 3 --dist loadfile --no-loadscope-reorder --nbval-lax --nbval-kernel-name review-warm --nbval-sanitize-with tests/sanitize.cfg --doctest-modules tests notebooks src/review
	@test -x /usr/bin/chromium || echo 'NOTE: Chromium is not installed, so the browser and JupyterLab tests were skipped; to run them: apt-get install chromium (as root)'

bench: bytecode  ## speed ratios against the peers (installs the irrCAC Python port, a benchmark-only peer)
	$(BIN)/python -m pip install --quiet --no-deps irrCAC  # its pins (numpy<2, scipy==1.12) would break the env
	$(BIN)/python benchmarks/agreement_speed.py
	$(BIN)/python benchmarks/sampling_speed.py
	$(BIN)/python benchmarks/batch_speed.py
	$(BIN)/python benchmarks/validation_speed.py
	$(BIN)/python benchmarks/kernel_speed.py
	$(BIN)/python benchmarks/region_speed.py

lab: bytecode  ## JupyterLab at the project root on the project's own kernel (also as root, as in a container)
	$(BIN)/review lab

clean:  ## remove generated reports (keeps .venv)
	find outputs -mindepth 1 ! -name README.md -exec rm -rf {} +

clean-notebooks: $(STAMP)  ## remove session outputs and widget state from the committed notebooks
	$(BIN)/review clean-notebooks

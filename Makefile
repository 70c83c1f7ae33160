# Answer-key publisher. `make pdf` and `make test` set themselves up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SEMESTER ?=
SEMESTER_ARG := $(if $(SEMESTER),--semester $(SEMESTER),)
DRY_RUN ?=
SEMESTERS := $(basename $(notdir $(wildcard semesters/*.toml)))

.PHONY: pdf handout html all publish test bench clean setup tex check $(addprefix all-,$(SEMESTERS))

# The venv is rebuilt when pyproject.toml changes (the stamp is older than it).
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing the Python packages into $(VENV) (once; again when pyproject.toml changes) ..."
	@$(PY) -m pip install --disable-pip-version-check -e '.[test]' > $(VENV)/pip.log 2>&1 \
	  || { tail -n 20 $(VENV)/pip.log; echo "pip install failed; the full log is $(VENV)/pip.log"; exit 1; }
	@$(PY) -m compileall -q generator >/dev/null  # bytecode, as pip writes it for installed packages
	@touch $@

setup: $(STAMP)

tex: $(STAMP)
	@$(PY) -m generator ensure-tex

pdf: tex
	@$(PY) -m generator pdf $(SEMESTER_ARG)

handout: tex
	@$(PY) -m generator handout $(SEMESTER_ARG)

html: $(STAMP)
	@$(PY) -m generator html $(SEMESTER_ARG)

check: $(STAMP)
	@$(PY) -m generator check $(SEMESTER_ARG)

# One target per semester, so `make -j2 all` builds semesters side by side.
all: $(addprefix all-,$(SEMESTERS))

$(addprefix all-,$(SEMESTERS)): all-%: tex
	@$(PY) -m generator build --semester $* --all-outputs

publish: tex
	@$(PY) -m generator publish $(SEMESTER_ARG) $(if $(DRY_RUN),--dry-run,)

A11Y_STAMP := tests/a11y/node_modules/.installed

# The accessibility checker of the HTML tests (axe-core, puppeteer-core; no browser download).
$(A11Y_STAMP): tests/a11y/package-lock.json
	@$(PY) -m generator ensure-tex --for-tests
	@npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

test: tex $(A11Y_STAMP)
	@$(PY) -m generator ensure-tex --for-tests
	@$(PY) -m pytest -q

bench: tex
	@$(PY) -m generator.bench

clean:
	rm -rf output figures .cache .pytest_cache

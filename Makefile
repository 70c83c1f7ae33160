# Answer-key publisher. `make pdf` and `make test` set themselves up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEX_STAMP := .cache/tex-checked
SEMESTER ?=
SEMESTER_ARG := $(if $(SEMESTER),--semester $(SEMESTER),)
DRY_RUN ?=
ACTIVITY ?=
WAIT ?=
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

ENSURE_TEX = $(PY) -m generator ensure-tex && mkdir -p .cache && touch $(TEX_STAMP)

tex: $(STAMP)
	@$(ENSURE_TEX)

# TeX is checked again when the templates (which name the packages) or the check change, after
# `make clean`, or on `make tex`; a build whose TeX has gone missing still stops with a clear message.
$(TEX_STAMP): $(STAMP) $(wildcard templates/*.j2 templates/*/*.j2) generator/tex_setup.py
	@$(ENSURE_TEX)

pdf: $(TEX_STAMP)
	@$(PY) -m generator pdf $(SEMESTER_ARG)

handout: $(TEX_STAMP)
	@$(PY) -m generator handout $(SEMESTER_ARG)

html: $(STAMP)
	@$(PY) -m generator html $(SEMESTER_ARG)

check: $(STAMP)
	@$(PY) -m generator check $(SEMESTER_ARG)

# One target per semester, so `make -j2 all` builds semesters side by side.
all: $(addprefix all-,$(SEMESTERS))

$(addprefix all-,$(SEMESTERS)): all-%: $(TEX_STAMP)
	@$(PY) -m generator build --semester $* --all-outputs

# Safe at any time: uploads what is due, prepares (closed folders) what is not; WAIT=1 keeps running.
publish: $(TEX_STAMP)
	@$(PY) -m generator publish $(SEMESTER_ARG) $(if $(ACTIVITY),--activity $(ACTIVITY),) \
	  $(if $(DRY_RUN),--dry-run,) $(if $(WAIT),--wait,)

A11Y_STAMP := tests/a11y/node_modules/.installed

# The accessibility checker of the HTML tests (axe-core, puppeteer-core; no browser download).
$(A11Y_STAMP): tests/a11y/package-lock.json
	@$(PY) -m generator ensure-tex --for-tests
	@npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

test: $(TEX_STAMP) $(A11Y_STAMP)
	@$(PY) -m generator ensure-tex --for-tests
	@$(PY) -m pytest -q

bench: $(TEX_STAMP)
	@$(PY) -m generator.bench

clean:
	rm -rf output figures .cache .pytest_cache

# Answer-key publisher. `make pdf` and `make test` set themselves up on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEX_STAMP := .cache/tex-checked
SEMESTER ?=
SEMESTER_ARG := $(if $(SEMESTER),--semester $(SEMESTER),)
ACTIVITY ?=
ACTIVITY_ARG := $(if $(ACTIVITY),--activity $(ACTIVITY),)
ARGS := $(SEMESTER_ARG) $(ACTIVITY_ARG)
DRY_RUN ?=
WAIT ?=
SEMESTERS := $(basename $(notdir $(wildcard semesters/*.toml)))

.PHONY: pdf handout audit html all publish test test-fast lint-code lock bench clean setup tex check $(addprefix all-,$(SEMESTERS))

# The Python packages come from the lock: exact versions, each checked against its hashes. A
# new lock gets a new venv (nothing left over from the old one); a pyproject.toml change
# reinstalls into the same one. `pip check` fails when pyproject.toml asks for what the lock
# does not hold: then run `make lock`.
LOCK := requirements/lock.txt
PIP := $(PY) -m pip --disable-pip-version-check

$(VENV)/.created: $(LOCK)
	@rm -rf $(VENV)
	@$(PYTHON) -m venv $(VENV)
	@touch $@

$(STAMP): $(VENV)/.created $(LOCK) pyproject.toml
	@echo "installing the locked Python packages into $(VENV) (once; again when $(LOCK) or pyproject.toml changes) ..."
	@{ $(PIP) install --require-hashes -r $(LOCK) && $(PIP) install --no-deps --no-build-isolation -e . \
	   && $(PIP) check; } > $(VENV)/pip.log 2>&1 \
	  || { tail -n 20 $(VENV)/pip.log; echo "pip install failed; the full log is $(VENV)/pip.log" \
	       "(a missing or conflicting package: run 'make lock')"; exit 1; }
	@$(PY) -m compileall -q generator >/dev/null  # bytecode, as pip writes it for installed packages
	@touch $@

setup: $(STAMP)

ENSURE_TEX = $(PY) -m generator ensure-tex && mkdir -p .cache && touch $(TEX_STAMP)

tex: $(STAMP)
	@$(ENSURE_TEX)

# TeX is checked again when the templates (which name the packages) or the check change, after
# `make clean`, or on `make tex`; a build whose TeX has gone missing still stops with a clear message.
$(TEX_STAMP): $(STAMP) $(wildcard templates/*.j2 templates/*/*.j2 activities/*/templates/*.j2 activities/*/templates/*/*.j2) generator/tex_setup.py
	@$(ENSURE_TEX)

pdf: $(TEX_STAMP)
	@$(PY) -m generator pdf $(ARGS)

handout: $(TEX_STAMP)
	@$(PY) -m generator handout $(ARGS)

audit: $(TEX_STAMP)
	@$(PY) -m generator audit $(ARGS)

html: $(STAMP)
	@$(PY) -m generator html $(ARGS)

check: $(STAMP)
	@$(PY) -m generator check $(ARGS)

# `make all`: every semester's activities side by side in one process, which starts Python, SymPy
# and matplotlib once for the course. `make all-<semester>` builds one term the same way.
# A good build records what it read and wrote (.cache/make/<name>.done.d): while none of it is
# newer and all of it is there, make has nothing to do and starts no Python.
all: .cache/make/course.done

.cache/make/course.done: $(TEX_STAMP) $(wildcard semesters/*.toml)
	@mkdir -p $(@D)
	@$(PY) -m generator build --course --all-outputs --make-record $@

$(addprefix all-,$(SEMESTERS)): all-%: .cache/make/%.done

.cache/make/%.done: $(TEX_STAMP) semesters/%.toml
	@mkdir -p $(@D)
	@$(PY) -m generator build --semester $* --all-outputs --make-record $@

-include $(wildcard .cache/make/*.done.d)

.PHONY: FORCE
FORCE:

# Safe at any time: uploads what is due, prepares (closed folders) what is not; WAIT=1 keeps running.
publish: $(TEX_STAMP)
	@$(PY) -m generator publish $(ARGS) $(if $(DRY_RUN),--dry-run,) $(if $(WAIT),--wait,)

A11Y_STAMP := tests/a11y/node_modules/.installed

# The accessibility checker of the HTML tests (axe-core, puppeteer-core; no browser download).
$(A11Y_STAMP): tests/a11y/package-lock.json
	@$(PY) -m generator ensure-tex --for-tests
	@npm ci --prefix tests/a11y --no-audit --no-fund --loglevel=error >/dev/null
	@touch $@

# Everything, on two workers (XDIST= for one process). Each worker takes whole files, so a
# module's fixtures are made once; the session's build is shared (tests/conftest.py).
XDIST ?= -n 2 --dist loadfile
FAST := not slow and not tex and not browser

test: $(TEX_STAMP) $(A11Y_STAMP)
	@$(PY) -m generator ensure-tex --for-tests
	@$(VENV)/bin/ruff check generator activities tests tools
	@$(PY) -m pytest -q $(XDIST)

# The tests that need no build, no TeX and no browser: the loop while changing one module.
test-fast: $(STAMP)
	@$(PY) -m pytest -q -m "$(FAST)" $(XDIST)

# ruff, configured in pyproject.toml; `make test` runs it first.
lint-code: $(STAMP)
	@$(VENV)/bin/ruff check generator activities tests tools

# Regenerates $(LOCK) from pyproject.toml with uv (installed once into a venv of its own), for
# CPython 3.11 on Linux. Versions already in the lock are kept unless UPGRADE=1.
UV_VERSION := 0.13.8
LOCK_TOOL := .cache/lock-tool
UPGRADE ?=

lock:
	@test -x $(LOCK_TOOL)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOL) \
	  && $(LOCK_TOOL)/bin/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION); }
	@mkdir -p $(dir $(LOCK))
	@$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' \
	  | $(LOCK_TOOL)/bin/uv pip compile --quiet pyproject.toml - --extra test --generate-hashes \
	      --python-version 3.11 --python-platform linux --custom-compile-command "make lock" \
	      $(if $(UPGRADE),--upgrade,) -o $(LOCK)
	@echo "$(LOCK) written; commit it with pyproject.toml"

bench: $(TEX_STAMP)
	@$(PY) tools/bench.py

clean:
	rm -rf output figures .cache .pytest_cache

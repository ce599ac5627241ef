# The CSTO Reader.  `make` (= `make site`) builds the site into site/; `make test` runs the tests.
# Works as root on a fresh Debian 12 with nothing but python3: the first run installs the
# Debian packages in scripts/debian-packages.txt and the Python packages in requirements.txt.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SETUP  := $(VENV)/.installed
# ProperDocs (a fork of MkDocs 1.x) in a virtualenv of its own: tests/test_engines.py and
# `make site ENGINE=properdocs`.
PROPERDOCS_VENV := .venv-properdocs
PROPERDOCS_PY   := $(PROPERDOCS_VENV)/bin/python

.DEFAULT_GOAL := site
.PHONY: site test fuzz serve golden fixtures bib check setup clean distclean

# Set-up, redone when the pins or the Debian package list change.
$(SETUP): requirements.txt requirements-properdocs.txt pyproject.toml scripts/debian-packages.txt scripts/setup-system.sh \
		package.json package-lock.json
	scripts/setup-system.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	test -x $(PROPERDOCS_PY) || $(PYTHON) -m venv $(PROPERDOCS_VENV)
	$(PROPERDOCS_PY) -m pip install --quiet --disable-pip-version-check \
		-r requirements-properdocs.txt
# axe-core for the accessibility tests and DAISY Ace for the EPUBs (package.json).  npm
# comes with NodeSource's nodejs; Debian's own nodejs needs the separate npm package.
# Ace drives Debian's Chromium: Puppeteer downloads no browser of its own.
	command -v npm >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends npm
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(SETUP)

# Build into site.tmp and replace site/ only on success: a failed build keeps the last good site.
# The chain: the pipeline writes the generated tree (build/docs/, build/mkdocs.yml); MkDocs
# renders it with no hook; finish gives every page its Content-Security-Policy; then the
# PDFs, the EPUBs (after the PDFs) and the offline copy go into site.tmp/downloads/
# (PAPER=letter: US Letter PDFs).  With MkDocs the first three steps run in one process
# (`csto_reader build --render`: MkDocs' own command line called as a library, the same
# site as the three commands apart).  ENGINE=properdocs renders with ProperDocs instead,
# in its own virtualenv, so there the three steps run as separate commands.
PAPER ?= a4
ENGINE ?= mkdocs
ENGINE_PY = $(if $(filter properdocs,$(ENGINE)),$(PROPERDOCS_PY),$(PY))
ifeq ($(ENGINE),mkdocs)
RENDER = $(PY) -m csto_reader build --render site.tmp
else
RENDER = $(PY) -m csto_reader build \
	&& $(ENGINE_PY) -m $(ENGINE) build --strict -f build/mkdocs.yml -d "$(CURDIR)/site.tmp" \
	&& $(PY) -m csto_reader finish --site site.tmp
endif
site: $(SETUP)
	rm -rf site.tmp
	if $(RENDER) \
		&& $(PY) -m csto_reader pdf --site site.tmp --paper $(PAPER) \
		&& $(PY) -m csto_reader epub --site site.tmp \
		&& $(PY) -m csto_reader offline --site site.tmp; then \
		rm -rf site && mv site.tmp site; \
	else \
		rm -rf site.tmp; exit 1; \
	fi

test: $(SETUP)
	$(PY) -m pytest -q

# The long fuzz run of the whole pipeline (tests/test_fuzz_pipeline.py; `make test` runs it
# with a small budget): FUZZ_EXAMPLES examples for each of its three tests, shrinking on.
# Record what it found in benchmarks/RESULTS.md.
FUZZ_EXAMPLES ?= 1500
fuzz: $(SETUP)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q --hypothesis-show-statistics \
		tests/test_fuzz_pipeline.py

# Live preview; rebuilds when docs/, sources/, bib/ or the pipeline change (the hook in
# build/mkdocs-serve.yml reruns the build step; the preview carries no policy).
SERVE_ADDR ?= 127.0.0.1:8000
serve: $(SETUP)
	$(PY) -m csto_reader build
	$(PY) -m mkdocs serve -f build/mkdocs-serve.yml -a $(SERVE_ADDR)

# Regenerate the reviewed golden files under tests/ (review the diff before committing).
golden: $(SETUP)
	$(PY) -m csto_reader golden

# Regenerate the output sections of the stage fixture files under tests/fixtures/stages/
# (review the diff before committing; the tests only compare).
fixtures: $(SETUP)
	$(PY) tests/regenerate_fixtures.py

# Write the articles' reference lists as BibTeX under bib/.
bib: $(SETUP)
	$(PY) -m csto_reader bib

# Build one article alone and print what each stage found (exit 1: a decision is needed).
check: $(SETUP)
	@test -n "$(SLUG)" || { echo "usage: make check SLUG=<slug>" >&2; exit 2; }
	$(PY) -m csto_reader check sources/$(SLUG)

clean:
	rm -rf site site.tmp build .cache .pytest_cache .hypothesis .ruff_cache
	find scripts tests -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(PROPERDOCS_VENV) scripts/*.egg-info

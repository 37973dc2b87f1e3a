# hso_xl: `make run` builds everything from the sample workbook, `make test` runs the whole suite.
# Both work on a fresh clone: they create .venv and install what is missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
SAMPLE := input/HSO_finansiering_2027-2029.xlsx
# Debian packages: LibreOffice headless is the independent oracle in the tests (and converts PDFs);
# Carlito and Liberation are metric-compatible with Calibri and Arial, so PDFs keep the templates' layout.
DEB_PACKAGES := libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito fonts-liberation2
# The web page's tests drive Debian's Chromium with Playwright (no browser download) and scan every page with
# axe-core, installed from npm into the venv.
BROWSER_PACKAGES := chromium
AXE := $(VENV)/axe/node_modules/axe-core/axe.min.js

.PHONY: run serve test test-fast install libreoffice browser sample clean bench oracle-report wheel

# The newest workbook in input/ (the shipped sample when it is the only one); it says which it took.
run: install
	$(BIN)/hso-xl build

# The web page on this computer (127.0.0.1, a free port), in the browser; Ctrl-C stops it.
serve: install
	$(BIN)/hso-xl serve

# One pytest worker per core (pytest-xdist), each taking whole test files (--dist loadfile): a file's
# module fixtures (a build of the sample, a LibreOffice conversion) are made once, by one worker.
# TEST_WORKERS=0 runs the suite in this one process.
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

test: install libreoffice browser
	$(PYTEST)

# The fast subset: no LibreOffice, nothing slow. CI runs the whole suite (make test).
test-fast: install
	$(PYTEST) -m "not slow and not libreoffice" -q

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

libreoffice:
	@command -v soffice >/dev/null && command -v pdftotext >/dev/null && \
	  fc-list | grep -q Carlito && fc-list | grep -q 'Liberation Sans' || { \
	  echo "Installing LibreOffice headless, poppler-utils and the Carlito and Liberation fonts (Debian packages) ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEB_PACKAGES) >/dev/null; }
	@soffice --version

browser: $(AXE)
	@command -v chromium >/dev/null || { \
	  echo "Installing Chromium (Debian package) for the web page's browser tests ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; }
	@chromium --version

$(AXE):
	mkdir -p $(VENV)/axe
	npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(VENV)/axe axe-core@4

# Benchmark (not part of make test): medians and ratios side by side in one run; see bench/README.md.
# BENCH_ARGS=--quick for a smoke run.
bench: install libreoffice browser
	$(BIN)/python -m pip install --quiet formulas python-calamine
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The per-function agreement of IronCalc with values Excel cached (tests/oracle/agreement.md).
oracle-report: install
	$(BIN)/python scripts/oracle_report.py

# Regenerate the shipped sample workbooks (master, from hso_xl/sample.py; regional report data, from
# hso_xl/report_sample.py). The templates in templates/ are edited in Word or Excel and committed as
# they are: nothing writes them (docs/templates.md).
sample: install
	$(BIN)/python scripts/make_sample_workbook.py $(SAMPLE)
	$(BIN)/python scripts/make_report_data.py input/Rapportdata_2025.xlsx

# The wheel and sdist an administrator installs with `uv tool install dist/hso_xl-….whl` (README: Kom igång);
# setup.py copies templates/ and the sample workbooks into it.
wheel: install
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --no-deps . -w dist
	$(BIN)/python -c "from setuptools import build_meta as b; b.build_sdist('dist')"
	@ls dist

clean:
	rm -rf output build dist *.egg-info .pytest_cache

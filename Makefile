# ITS_LIVE for QGIS — developer commands. Two for a newcomer: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export QT_QPA_PLATFORM ?= offscreen
export AWS_EC2_METADATA_DISABLED := true
export PYTHONDONTWRITEBYTECODE := 1
# qgis_process: the plugin from this checkout, the venv's packages visible
PROCESS_ENV := QGIS_PLUGINPATH=$(CURDIR) PYTHONPATH=$(CURDIR)/$(VENV)/lib/python3.11/site-packages PATH=$(CURDIR)/$(VENV)/bin:$$PATH

.PHONY: help setup setup-system setup-python setup-i18n test lint format unit cf-tools qgis-test scenario hostile-test install-test demo mirror process package i18n bench clean

help:
	@echo "make demo      run the demo pipeline on the bundled local mirror (installs what it needs)"
	@echo "make test      lint + unit, QGIS, desktop-scenario, hostile-input and installer tests (installs what it needs)"
	@echo "make scenario  the glaciologist's session in the real QGIS window (Xvfb), English and French"
	@echo "make setup     install QGIS 3.40 LTR (bookworm-backports) and the Python venv (idempotent)"
	@echo "make mirror    serve the local S3 mirror on 127.0.0.1:9000 until Ctrl-C"
	@echo "make process ARGS='list'   run qgis_process with the plugin from this checkout"
	@echo "make package   build dist/itslive_qgis-<version>.zip (what the plugin repository accepts)"
	@echo "make install-test  ZIP -> fresh QGIS profile -> installer (pip, registry) -> algorithms"
	@echo "make i18n      update i18n/*.ts and compile .qm"
	@echo "make bench     run the benchmarks in bench/"

# ---------------------------------------------------------------- setup
setup: setup-system setup-python setup-i18n

setup-system:
	@if dpkg-query -W -f='$${Version}' qgis 2>/dev/null | grep -q '^1:3\.40\|^3\.40' \
	    && dpkg -s python3-qgis qgis-providers python3-pyproj python3-netcdf4 python3-h5py python3-rasterio python3-scipy python3-matplotlib pyqt5-dev-tools qttools5-dev-tools xvfb xdotool >/dev/null 2>&1; then \
	  echo "QGIS $$(dpkg-query -W -f='$${Version}' qgis) already installed"; \
	else \
	  echo "Installing QGIS 3.40 LTR from bookworm-backports ..."; \
	  if [ -f /etc/apt/sources.list.d/debian.sources ] && ! grep -q bookworm-backports /etc/apt/sources.list.d/debian.sources; then \
	    $(SUDO) sed -i '0,/^Suites: bookworm bookworm-updates$$/s//Suites: bookworm bookworm-updates bookworm-backports/' /etc/apt/sources.list.d/debian.sources; \
	  fi; \
	  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then \
	    echo "deb http://deb.debian.org/debian bookworm-backports main" | $(SUDO) tee /etc/apt/sources.list.d/backports.list; \
	  fi; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq -t bookworm-backports --no-install-recommends \
	    qgis python3-qgis qgis-providers && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    python3-venv python3-pyproj python3-netcdf4 python3-h5py python3-rasterio python3-scipy python3-matplotlib pyqt5-dev-tools qttools5-dev-tools zip \
	    xvfb xdotool xauth; \
	fi

setup-python: $(VENV)/.stamp

$(VENV)/.stamp: requirements.txt requirements-dev.txt
	@[ -x $(PY) ] || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	@# Debian's pyproj looks for PROJ data under sys.prefix/share/proj
	@mkdir -p $(VENV)/share && ln -sfn /usr/share/proj $(VENV)/share/proj
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 | grep -v "is ignored: it is neither" || true
	@$(PY) -m pip uninstall -y -q pyproj pyogrio netCDF4 h5py rasterio 2>/dev/null || true
	@# SlideRule's client without its dependencies (they would bring numpy 2, pyproj/shapely wheels)
	$(PY) -m pip install -q --disable-pip-version-check --no-deps sliderule==5.7.0 pyarrow==23.0.1
	$(PY) -c "import qgis.core, xarray, zarr, torch, numba, s3fs, moto, pytest, rasterio, pyproj, shapely, netCDF4, h5py, geopandas; assert all(m.__file__.startswith('/usr/lib/python3/') for m in (pyproj, netCDF4, h5py, rasterio)); print('python env ok')"
	@touch $@

# a checkout is usable in French: the .qm (gitignored) is compiled from the .ts by lrelease
setup-i18n: $(patsubst %.ts,%.qm,$(wildcard i18n/*.ts))

i18n/%.qm: i18n/%.ts
	lrelease -silent $< -qm $@

# ---------------------------------------------------------------- quality
lint: setup-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup-python
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

unit: setup cf-tools
	$(PY) -m pytest -p no:pytest_qgis -p no:cacheprovider tests/unit -q

# the IOOS compliance checker in its OWN venv (its pip netCDF4 wheel and cf-units break QGIS in .venv);
# tests/unit/test_cf_compliance.py runs it on fresh outputs of every algorithm
CF_VENV := .venv-cf
cf-tools: $(CF_VENV)/.stamp

$(CF_VENV)/.stamp:
	@[ -x $(CF_VENV)/bin/python ] || /usr/bin/python3 -m venv $(CF_VENV)
	$(CF_VENV)/bin/python -m pip install -q --disable-pip-version-check compliance-checker==6.1.0 2>&1 | grep -v "is ignored: it is neither" || true
	$(CF_VENV)/bin/compliance-checker --version
	@touch $@

qgis-test: setup
	$(PY) -m pytest -p no:cacheprovider tests/qgis -q

# hostile inputs and faults through real qgis_process runs (issue 20)
hostile-test: setup
	$(PY) -m pytest -p no:cacheprovider tests/hostile -q -rxX

# the ZIP into a fresh profile with only Debian's Python, the installer from the registry (a few minutes)
install-test: setup
	$(PY) -m pytest -p no:pytest_qgis -p no:cacheprovider tests/install -q -s

# the real desktop under Xvfb (a free display chosen by Xvfb -displayfd), English then French
scenario: setup
	env -u QT_QPA_PLATFORM $(PY) -m tests.scenarios.run --lang en --lang fr

test: setup
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory qgis-test
	$(MAKE) --no-print-directory scenario
	$(MAKE) --no-print-directory hostile-test
	$(MAKE) --no-print-directory install-test

# ---------------------------------------------------------------- running
demo: setup
	$(PY) scripts/demo.py --output demo_output

mirror: setup
	$(PY) -m tests.fixtures.mirror --port $${PORT:-9000} --data-root .mirror_data

process: setup
	@$(PROCESS_ENV) qgis_process plugins enable itslive_qgis >/dev/null 2>&1 || true
	$(PROCESS_ENV) qgis_process $(ARGS)

bench: setup
	$(PY) -m bench.run_all

# the simulated scaling curve of docs/scaling.md: 1-8 workers, 1 s per chunk GET (about 5 minutes)
.PHONY: bench-scaling
bench-scaling: setup
	$(PY) -m bench.bench_cluster --scaling --workers 1,2,4,8

# ---------------------------------------------------------------- release
i18n: setup
	$(PY) scripts/i18n.py

package: i18n
	$(PY) scripts/package.py

clean:
	rm -rf build dist demo_output tests/output .pytest_cache .ruff_cache

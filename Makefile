# The two commands of the contract: `make run` and `make test`.
# Each creates .venv if missing, installs the project with its extras, installs the system
# packages the app needs (a CJK font, ffmpeg, Qt's runtime libraries) when missing and we are root.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# What the app needs besides Qt's own libraries (those are read off PySide6 by `ldd`: qtdeps).
APT_PACKAGES := fonts-wqy-microhei ffmpeg chromium poppler-utils
# What the suite needs besides: a real X server for the real-window tests, and its tools.
TEST_APT_PACKAGES := xvfb xdotool x11-utils
STAMP := $(VENV)/.installed

.PHONY: run test setup sysdeps qtdeps test-sysdeps lint bench clean screenshot deb deb-test deb-tools

run: setup
	$(PY) main.py $(ARGS)

test: setup test-sysdeps
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

setup: sysdeps $(STAMP) qtdeps

sysdeps:
	@scripts/apt-ensure $(APT_PACKAGES)

# Every system library PySide6's xcb platform plugin and Qt modules link against, as `ldd`
# resolves them now (again after an install: a library found may need more), then the check
# that none is still "not found".
qtdeps: $(STAMP)
	@for round in 1 2 3; do \
	  want=$$($(PY) -m command_center.qtdeps packages); [ -n "$$want" ] || break; \
	  scripts/apt-ensure --why "Qt's libraries for a real screen" $$want || exit 1; \
	  [ "$$(id -u)" = "0" ] || break; \
	done
	@lost=$$($(PY) -m command_center.qtdeps missing); [ -z "$$lost" ] || \
	  echo "warning: Qt cannot open a window until these are installed:" $$lost >&2

test-sysdeps:
	@scripts/apt-ensure --why "test tools" $(TEST_APT_PACKAGES)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[postgres,dev]'
	touch $(STAMP)

lint: setup
	$(VENV)/bin/ruff check command_center tests bench
	$(VENV)/bin/lint-imports

bench: setup
	QT_QPA_PLATFORM=offscreen $(PY) bench/run_all.py

screenshot: setup
	QT_QPA_PLATFORM=offscreen $(PY) main.py --screenshot docs/screenshot.png --size 1600x900

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The Debian package (packaging/build_deb.sh): dist/command-center_<version>_<arch>.deb with its
# own venv in /opt/command-center made from Debian's python3.11. DEB_VERSION overrides the
# version (default <pyproject version>+<commit count>.<UTC time>, so a newer build sorts higher).
DEB_APT_PACKAGES := python3.11 python3.11-venv desktop-file-utils librsvg2-bin

deb-tools:
	@scripts/apt-ensure --why "packaging tools" $(DEB_APT_PACKAGES)

deb: deb-tools
	DEB_VERSION=$(DEB_VERSION) bash packaging/build_deb.sh

# Build, install with apt-get, start, upgrade over it, purge (root; packaging/test_deb.sh).
deb-test: deb-tools
	DEB_VERSION=$(DEB_VERSION) bash packaging/test_deb.sh

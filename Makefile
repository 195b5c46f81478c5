# The two commands of the contract: `make run` and `make test`.
# Each creates .venv if missing, installs the project with its extras, installs the system
# packages the app needs (a CJK font, ffmpeg, Qt's runtime libraries) when missing and we are root.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := fonts-wqy-microhei ffmpeg chromium poppler-utils libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
STAMP := $(VENV)/.installed

.PHONY: run test setup sysdeps lint bench clean screenshot

run: setup
	$(PY) main.py $(ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

setup: sysdeps $(STAMP)

sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "warning: missing system packages:$$missing (run as root to install them)"; \
	  fi; \
	fi

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

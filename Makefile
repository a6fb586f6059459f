# brandpulse: `make demo` runs the whole pipeline on a bundled sample site; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: install demo test lint browser clean

install: $(STAMP)

# torch first, from the CPU wheel, so nothing pulls a multi-GB CUDA build; then the project and its dev extra.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Headless Chromium for the browser test, from Debian's packages (never a browser download of its own).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian chromium for the browser test"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; \
	fi

demo: install
	HF_HUB_OFFLINE=1 $(BIN)/brandpulse demo

test: install browser
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) brandpulse-demo.db* test-artifacts .pytest_cache

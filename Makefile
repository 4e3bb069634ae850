# Two commands on a fresh machine: `make run` and `make test` (README). Both go through
# `make install`, which is safe to re-run: it only reinstalls when pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-all system-deps services clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# Resemblyzer ships the GE2E speaker-encoder weights we use; its code and its heavy
	# dependencies (torch, librosa, webrtcvad) are not used, so install the file only.
	$(BIN)/pip install --quiet --no-deps resemblyzer==0.1.4
	$(BIN)/gijiroku prepare-model
	touch $(STAMP)

run: install
	$(BIN)/gijiroku serve

# Test-only system packages (Chromium, CJK fonts, LibreOffice) and the local PostgreSQL/Redis
# used by the scale-out test; the default `make run` needs none of them.
system-deps:
	bash scripts/install-system-deps.sh

services:
	bash scripts/start-services.sh

test: install system-deps services
	$(BIN)/pytest -m "not slow or ci" -q

test-all: install system-deps services
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache

# Two commands on a fresh machine: `make run` and `make test` (README). Both go through
# `make install`, which is safe to re-run: it only reinstalls when pyproject.toml changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install install-pyannote run lint test test-all system-deps services clean

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

# Optional pyannote diarizer (GIJIROKU_DIARIZER=pyannote), CPU-only: the constraint pins the local
# torch 2.13.0+cpu wheel (unpinned, pip pulls GBs of CUDA). PyPI's torchaudio is built against CUDA
# torch 2.11 and its C++ ops fail to load on this torch; pyannote uses only torchaudio's pure-PyTorch
# parts (kaldi fbank, resample), and torchaudio's own loader treats absent ops as "not built", so the
# two mismatched libraries are removed (tests/models/diarization/test_pyannote_backend.py runs the
# real pipeline on top of this). Audio reaches pyannote as a waveform, so torchcodec is never used.
PYANNOTE_STAMP := $(VENV)/.pyannote-installed

install-pyannote: $(PYANNOTE_STAMP)

$(PYANNOTE_STAMP): $(STAMP) constraints/pyannote-cpu.txt
	$(BIN)/pip install --quiet -c constraints/pyannote-cpu.txt -e '.[dev,pyannote]'
	lib="$$($(BIN)/python -c "import importlib.util as u, pathlib as p; print(p.Path(u.find_spec('torchaudio').origin).parent / 'lib')")" \
	  && rm -f "$$lib"/_torchaudio*.so "$$lib"/libtorchaudio*.so
	$(BIN)/python -c "import torchaudio.compliance.kaldi"
	touch $(PYANNOTE_STAMP)

run: install
	$(BIN)/gijiroku serve

# Test-only system packages (Chromium, CJK fonts, LibreOffice) and the local PostgreSQL/Redis
# used by the scale-out test; the default `make run` needs none of them.
system-deps:
	bash scripts/install-system-deps.sh

services:
	bash scripts/start-services.sh

# Lint, formatting and types (config in pyproject.toml) run before the tests, so a failure shows first.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy service models exporters evaluation

test: install lint install-pyannote system-deps services
	$(BIN)/pytest -m "not slow or ci" -q

test-all: install lint install-pyannote system-deps services
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

"""``evaluation.settings`` reads the ``GIJIROKU_*`` model settings itself (evaluation imports
nothing from the service) and must build the very options the service builds from the same
environment, with every model setting the service has."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evaluation.settings import ModelSettings
from models.pipeline import PipelineOptions
from service.config import Settings
from service.jobs.options import pipeline_options

CHANGED = {
    "GIJIROKU_MODEL_PATH": "/models/large-v3",
    "GIJIROKU_DEVICE": "cpu",
    "GIJIROKU_COMPUTE_TYPE": "int8_float32",
    "GIJIROKU_CPU_THREADS": "3",
    "GIJIROKU_LANGUAGE": "auto",
    "GIJIROKU_BEAM_SIZE": "2",
    "GIJIROKU_DIARIZER": "none",
    "GIJIROKU_PYANNOTE_DIR": "/models/pyannote",
    "GIJIROKU_PYANNOTE_SEGMENTATION_STEP": "0.25",
}


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both classes read ``.env`` from the working directory: use an empty one."""
    monkeypatch.chdir(tmp_path)
    for name in [*CHANGED, "GIJIROKU_MODEL_CACHE_DIR"]:
        monkeypatch.delenv(name, raising=False)


def test_defaults_build_the_services_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    options = ModelSettings().pipeline_options()
    assert options == pipeline_options(Settings())
    assert options.model_cache_dir == tmp_path / "xdg" / "gijiroku"


def test_every_variable_reaches_the_options_as_in_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CHANGED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("GIJIROKU_MODEL_CACHE_DIR", "/cache")
    options = ModelSettings().pipeline_options()
    assert options == pipeline_options(Settings())
    assert options != PipelineOptions()


def test_it_has_every_model_setting_of_the_service() -> None:
    """A new ``GIJIROKU_*`` setting named after a ``PipelineOptions`` field must be added here too."""
    option_names = {f.name for f in dataclasses.fields(PipelineOptions)}
    assert set(ModelSettings.model_fields) == set(Settings.model_fields) & option_names
    for name, ours in ModelSettings.model_fields.items():
        theirs = Settings.model_fields[name]
        assert (ours.annotation, ours.metadata) == (theirs.annotation, theirs.metadata), name

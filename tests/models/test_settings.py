"""``ModelSettings`` reads the ``GIJIROKU_*`` model settings once for every entry point: the
service's ``Settings`` extends it, and the evaluation commands use it directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.pipeline import PipelineOptions
from models.settings import ModelSettings
from service.config import Settings

CHANGED = {
    "GIJIROKU_MODEL_PATH": "/models/large-v3",
    "GIJIROKU_MODEL_CACHE_DIR": "/cache",
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
def _clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read ``.env`` from the working directory: use an empty one, and no inherited variable."""
    monkeypatch.chdir(tmp_path)
    for name in CHANGED:
        monkeypatch.delenv(name, raising=False)


def test_defaults_are_the_pipelines_with_the_xdg_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    options = ModelSettings().pipeline_options()
    assert options.model_cache_dir == tmp_path / "xdg" / "gijiroku"
    assert options == PipelineOptions(model_cache_dir=tmp_path / "xdg" / "gijiroku")


def test_every_variable_reaches_the_options_and_the_service_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CHANGED.items():
        monkeypatch.setenv(name, value)
    options = ModelSettings().pipeline_options()
    assert options == PipelineOptions(
        model_path=Path("/models/large-v3"),
        model_cache_dir=Path("/cache"),
        device="cpu",
        compute_type="int8_float32",
        cpu_threads=3,
        language="auto",
        beam_size=2,
        diarizer="none",
        pyannote_dir=Path("/models/pyannote"),
        pyannote_segmentation_step=0.25,
    )
    assert Settings().pipeline_options() == options


def test_an_invalid_value_is_refused() -> None:
    with pytest.raises(ValueError):
        ModelSettings(pyannote_segmentation_step=0)

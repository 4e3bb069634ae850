"""The ``GIJIROKU_*`` settings that choose and load the models, declared once.

The service's ``Settings`` (``service/config.py``) extends this class, so the web service, the
worker, ``gijiroku transcribe`` and the evaluation commands read the same variables with the same
defaults and build their ``PipelineOptions`` the same way; ``models/`` still never sees the
service's settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.pipeline import Pipeline, PipelineOptions


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gijiroku"


class ModelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GIJIROKU_", env_file=".env", extra="ignore")

    # --- ASR (faster-whisper) --------------------------------------------------------------
    model_path: Path | None = None  # None: the embedded Whisper base assembled from PyPI parts
    model_cache_dir: Path = Field(default_factory=default_cache_dir)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"  # auto: float16 on CUDA, int8 on CPU
    cpu_threads: int = 0  # 0: let CTranslate2 decide
    language: str = "ja"  # "auto" detects the language
    beam_size: int = 5
    # how a meeting's materials (会議資料) reach Whisper: off, prompt, hotwords or two-pass
    # (docs/benchmarks.md, "Meeting materials")
    materials_hints: Literal["off", "prompt", "hotwords", "two-pass"] = "two-pass"

    # --- diarization ---------------------------------------------------------------------
    diarizer: Literal["auto", "bundled", "pyannote", "none"] = "auto"
    pyannote_dir: Path | None = None  # a local pyannote pipeline directory (config.yaml inside)
    # pyannote's segmentation hop as a fraction of its 10 s window: 0.1 (pyannote's default) is
    # RTF ≈ 1.8 on two CPU cores, 0.5 ≈ 0.3 at a small accuracy cost
    pyannote_segmentation_step: float = Field(default=0.5, gt=0, le=1)

    def pipeline_options(self) -> PipelineOptions:
        """The load-time options these settings describe (every field above is one of them)."""
        return PipelineOptions(**{name: getattr(self, name) for name in ModelSettings.model_fields})

    def pipeline(self) -> Pipeline:
        """The pipeline these settings describe (cheap: each model loads on its first use)."""
        return Pipeline(self.pipeline_options())

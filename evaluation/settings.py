"""The ``GIJIROKU_*`` model settings the evaluation commands honour.

They are read here, not through ``service.config``, so that evaluation depends on nothing in the
web service. Same variable names and defaults as the service's ``Settings``, and the same
options result (``tests/evaluation/test_settings.py`` checks both against each other), so a
corpus is scored and benchmarked with the pipeline the service would run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.pipeline import Pipeline, PipelineOptions


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gijiroku"


class ModelSettings(BaseSettings):
    """The load-time pipeline settings; each field is a ``PipelineOptions`` field of the same name."""

    model_config = SettingsConfigDict(env_prefix="GIJIROKU_", env_file=".env", extra="ignore")

    model_path: Path | None = None
    model_cache_dir: Path = Field(default_factory=_default_cache_dir)
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    language: str = "ja"
    beam_size: int = 5
    diarizer: Literal["auto", "bundled", "pyannote", "none"] = "auto"
    pyannote_dir: Path | None = None
    pyannote_segmentation_step: float = Field(default=0.5, gt=0, le=1)

    def pipeline_options(self) -> PipelineOptions:
        return PipelineOptions(**self.model_dump())


def configured_pipeline() -> Pipeline:
    """The pipeline as configured (cheap: each model loads on its first use)."""
    return Pipeline(ModelSettings().pipeline_options())

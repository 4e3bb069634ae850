"""One pipeline per worker process, loaded on first use and shared by every job after that.

Loading Whisper and the diarizer takes seconds and hundreds of MB, so the worker keeps them;
``GIJIROKU_PIPELINE_FACTORY`` lets tests swap in a fast fake without touching the job code.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Protocol

from service.config import Settings


class PipelineLike(Protocol):
    def run(self, audio_path: Any, meeting: Any = None, progress: Any = None, **overrides: Any) -> Any: ...


_lock = threading.Lock()
_pipeline: PipelineLike | None = None


def _real_pipeline(settings: Settings) -> PipelineLike:
    from models.pipeline import Pipeline, PipelineOptions

    return Pipeline(PipelineOptions.from_settings(settings))


def build_pipeline(settings: Settings) -> PipelineLike:
    if not settings.pipeline_factory:
        return _real_pipeline(settings)
    module, _, name = settings.pipeline_factory.partition(":")
    return getattr(importlib.import_module(module), name)(settings)


def get_pipeline(settings: Settings) -> PipelineLike:
    global _pipeline
    with _lock:
        if _pipeline is None:
            _pipeline = build_pipeline(settings)
        return _pipeline


def reset_pipeline() -> None:
    """Forget the shared pipeline (tests switch factories between apps in one process)."""
    global _pipeline
    with _lock:
        _pipeline = None

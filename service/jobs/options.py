"""Settings and job rows → the pipeline's options: the only place that knows both.

``models/`` knows nothing of the service; the worker and ``gijiroku transcribe`` build their
``PipelineOptions`` here. The evaluation commands, which import nothing from the service, read the
same ``GIJIROKU_*`` model settings in ``evaluation/settings.py``; ``tests/evaluation/test_settings.py``
fails until a new model setting reaches both.
"""

from __future__ import annotations

from typing import Any

from models.draft import Vocabulary
from models.pipeline import Pipeline, PipelineOptions, RunOptions
from models.types import SpeakerCountHint
from service.config import Settings


def pipeline_options(settings: Settings) -> PipelineOptions:
    return PipelineOptions(
        model_path=settings.model_path,
        model_cache_dir=settings.model_cache_dir,
        device=settings.device,
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
        language=settings.language,
        beam_size=settings.beam_size,
        diarizer=settings.diarizer,
        pyannote_dir=settings.pyannote_dir,
        pyannote_segmentation_step=settings.pyannote_segmentation_step,
    )


def real_pipeline(settings: Settings) -> Pipeline:
    """The pipeline the settings describe (cheap: each model loads on its first use)."""
    return Pipeline(pipeline_options(settings))


def run_options(job_options: dict[str, Any], vocabulary: Vocabulary | None = None) -> RunOptions:
    """A job's stored form choices (``Job.options``: speaker counts, language) as ``RunOptions``."""
    return RunOptions(
        speakers=SpeakerCountHint(
            num=job_options.get("num_speakers"),
            min=job_options.get("min_speakers"),
            max=job_options.get("max_speakers"),
        ),
        language=job_options.get("language") or None,
        vocabulary=vocabulary,
    )

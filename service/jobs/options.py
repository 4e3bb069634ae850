"""A job's stored choices → the pipeline's ``RunOptions``: the only place that knows both.

The load-time ``PipelineOptions`` come from the settings themselves
(``Settings.pipeline_options()``, declared once in ``models/settings.py``).
"""

from __future__ import annotations

from typing import Any

from models.draft import Vocabulary
from models.pipeline import RunOptions
from models.types import SpeakerCountHint


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

"""The "none" diarizer: everyone is SPEAKER_00, over the speech regions only.

Used when the operator turns diarization off; ``one_speaker`` is also what the bundled diarizer
gives for a recording too short to cluster and what the pipeline falls back to when a diarizer
fails. Keeping silence out still lets the minutes skip long pauses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from models.types import NO_HINT, SpeakerCountHint, SpeakerSegment
from models.vad import speech_regions


def one_speaker(regions: Sequence[tuple[float, float]]) -> list[SpeakerSegment]:
    """Every speech region as one segment of ``SPEAKER_00``."""
    return [SpeakerSegment(round(s, 3), round(e, 3), "SPEAKER_00") for s, e in regions]


class SingleSpeakerDiarizer:
    def diarize(
        self,
        audio: np.ndarray,
        *,
        speakers: SpeakerCountHint = NO_HINT,
        progress: Callable[[float], None] | None = None,
    ) -> list[SpeakerSegment]:
        segments = one_speaker(speech_regions(audio))
        if progress:
            progress(1.0)
        return segments

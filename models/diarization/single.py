"""The "none" diarizer: everyone is SPEAKER_00, over the speech regions only.

Used when the operator turns diarization off, and by the pipeline as the fallback when a real
diarizer fails; keeping silence out still lets the minutes skip long pauses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from models.types import SpeakerSegment
from models.vad import speech_regions


class SingleSpeakerDiarizer:
    def diarize(
        self,
        audio: np.ndarray,
        *,
        num_speakers: int | None = None,
        min_speakers: int | None = None,
        max_speakers: int | None = None,
        progress: Callable[[float], None] | None = None,
    ) -> list[SpeakerSegment]:
        segments = [SpeakerSegment(round(s, 3), round(e, 3), "SPEAKER_00") for s, e in speech_regions(audio)]
        if progress:
            progress(1.0)
        return segments

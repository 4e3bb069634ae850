"""Speaker diarization behind one interface: who spoke when, as sorted ``SpeakerSegment``s.

Implementations: ``bundled`` (default; numpy GE2E + spectral clustering, no torch), ``pyannote``
(optional extra, an operator-provided local pipeline directory) and ``none`` (one speaker). Weights
are read when a diarizer is built, never on import, so a missing file fails at start-up with a
``GijirokuError`` instead of in the middle of a job.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from models.errors import GijirokuError
from models.types import NO_HINT, SpeakerCountHint, SpeakerSegment

__all__ = ["Diarizer", "load_diarizer"]

KINDS = ("auto", "bundled", "pyannote", "none")


class Diarizer(Protocol):
    def diarize(
        self,
        audio: np.ndarray,
        *,
        speakers: SpeakerCountHint = NO_HINT,
        progress: Callable[[float], None] | None = None,
    ) -> list[SpeakerSegment]:
        """Segments for float32 mono 16 kHz ``audio``, sorted by start, labels ``SPEAKER_00``.. in
        order of first appearance; ``progress`` receives fractions in [0, 1]."""
        ...


def load_diarizer(
    kind: str = "auto",
    pyannote_dir: Path | None = None,
    *,
    segmentation_step: float = 0.5,
    device: str = "cpu",
) -> Diarizer:
    """Build the configured diarizer; ``auto`` means pyannote when a directory is given, else bundled.

    ``segmentation_step`` and ``device`` are the pyannote backend's; the bundled one runs on the CPU.
    """
    if kind not in KINDS:
        raise GijirokuError(
            "diarizer_unknown",
            f"不明な話者識別方式です: {kind}（{', '.join(KINDS)} のいずれか）",
            f"Unknown diarizer: {kind} (one of {', '.join(KINDS)})",
            status=500,
        )
    if kind == "auto":
        kind = "pyannote" if pyannote_dir is not None else "bundled"
    if kind == "none":
        from models.diarization.single import SingleSpeakerDiarizer

        return SingleSpeakerDiarizer()
    if kind == "bundled":
        from models.diarization.bundled import BundledDiarizer

        return BundledDiarizer()
    from models.diarization.pyannote_backend import PyannoteDiarizer

    if pyannote_dir is None:
        raise GijirokuError(
            "pyannote_dir_missing",
            "pyannote を使うには GIJIROKU_PYANNOTE_DIR にパイプラインのディレクトリを指定してください。",
            "The pyannote diarizer needs GIJIROKU_PYANNOTE_DIR (a local pipeline directory).",
            status=500,
        )
    return PyannoteDiarizer(pyannote_dir, segmentation_step=segmentation_step, device=device)

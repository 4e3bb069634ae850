"""Enrolment: which speakers of a corrected transcript become voiceprints, and from which time.

A speaker is enrolled when staff have given it a name: any label other than the pipeline's
placeholders 話者N / SPEAKER_NN. Its turns are the enrolment audio, minus overlaps and turns under
``MIN_SPAN_S`` (``models.voices.embedding``). Speakers sharing one label (a diarizer split that staff
fixed by renaming both) are one person.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from models.diarization.ge2e import SpeakerEncoder
from models.types import Minutes, SpeakerSegment
from models.voices.embedding import embed_spans, speaker_spans

MAX_PRINTS_PER_PERSON = 8  # about one per meeting for the last several meetings; the oldest go first

_PLACEHOLDER = re.compile(r"^\s*(話者\s*[0-9０-９]+|SPEAKER_[0-9]+)\s*$")


def is_named(label: str) -> bool:
    """True for a label staff chose (委員長（佐藤）), false for 話者3, SPEAKER_02 or blank."""
    return bool(label.strip()) and not _PLACEHOLDER.match(label)


def labelled_segments(minutes: Minutes) -> list[SpeakerSegment]:
    """Every turn as a segment of its speaker's label (placeholders included, so their time still
    counts as overlap for the named ones)."""
    return [SpeakerSegment(t.start, t.end, minutes.speaker_label(t.speaker)) for t in minutes.turns]


@dataclass(frozen=True)
class Enrolment:
    vector: np.ndarray
    seconds: float  # single-voice speech the print was made from


def enrolment_prints(
    encoder: SpeakerEncoder, audio: np.ndarray, minutes: Minutes, labels: Collection[str] | None = None
) -> dict[str, Enrolment]:
    """label → print for each named speaker (of ``labels``, when given) with a usable turn."""
    found: dict[str, Enrolment] = {}
    for label, spans in speaker_spans(labelled_segments(minutes)).items():
        if not is_named(label) or (labels is not None and label not in labels):
            continue
        vector = embed_spans(encoder, audio, spans)
        if vector is not None:
            found[label] = Enrolment(vector, round(sum(e - s for s, e in spans), 1))
    return found

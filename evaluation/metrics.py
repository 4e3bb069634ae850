"""Accuracy metrics for minutes: what was said (CER), by whom (cpCER, DER, JER), and what was lost.

Edit distances come from jiwer and diarization scores from pyannote.metrics; this module only
normalises the inputs and keeps every score as an ``errors / total`` pair (``Rate``) so scores over
several meetings are pooled (sum of errors over sum of reference) rather than averaged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import jiwer
import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from pyannote.metrics.diarization import DiarizationErrorRate, JaccardErrorRate
from scipy.optimize import linear_sum_assignment

from evaluation.normalize import normalize_for_cer, normalize_words
from models.types import SpeakerSegment, Turn

LOST_CONTENT_FRACTION = 0.2
"""A reference segment is lost when the hypothesis text timed inside it has fewer than this share of
its (normalised) characters: a turn the ASR dropped or a diarizer/VAD cut, which CER over the whole
meeting dilutes into a small number."""


@dataclass(frozen=True)
class Rate:
    """``errors / total`` with both parts kept, so rates add up across meetings."""

    errors: float
    total: float

    @property
    def value(self) -> float:
        if self.total:
            return self.errors / self.total
        return 0.0 if not self.errors else math.inf

    def __add__(self, other: Rate) -> Rate:
        return Rate(self.errors + other.errors, self.total + other.total)


def char_errors(reference: str, hypothesis: str, *, numerals: bool = False) -> Rate:
    """Character edits (S + D + I) after ``normalize_for_cer`` on both sides / reference length."""
    ref = normalize_for_cer(reference, numerals=numerals)
    hyp = normalize_for_cer(hypothesis, numerals=numerals)
    out = jiwer.process_characters(ref, hyp)
    return Rate(out.substitutions + out.deletions + out.insertions, len(ref))


def cer(reference: str, hypothesis: str, *, numerals: bool = False) -> float:
    return char_errors(reference, hypothesis, numerals=numerals).value


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate for space-delimited languages, after ``normalize_words`` on both sides."""
    return jiwer.wer(normalize_words(reference), normalize_words(hypothesis))


def texts_by_speaker(utterances: Iterable[tuple[str, float, str]]) -> dict[str, str]:
    """(speaker, start, text) → each speaker's text concatenated in time order."""
    texts: dict[str, str] = {}
    for speaker, _, text in sorted(utterances, key=lambda u: u[1]):
        texts[speaker] = texts.get(speaker, "") + text
    return texts


@dataclass(frozen=True)
class SpeakerAttributedErrors:
    rate: Rate
    mapping: dict[str, str]  # reference speaker → the hypothesis speaker it was matched with


def cp_char_errors(
    reference: Mapping[str, str], hypothesis: Mapping[str, str], *, numerals: bool = False
) -> SpeakerAttributedErrors:
    """Concatenated minimum-permutation CER (cpCER) over per-speaker texts.

    Each reference speaker is paired with at most one hypothesis speaker so that the summed
    character edits are minimal (Hungarian assignment on the pairwise edit matrix). An unpaired
    reference speaker counts all its characters as deletions, an unpaired hypothesis speaker all
    its characters as insertions, so text given to the wrong speaker is an error even when plain
    CER is 0.
    Pairing never costs more than leaving both unpaired (edits ≤ len(ref) + len(hyp)), so the
    rectangular assignment is optimal.
    """
    ref_speakers, hyp_speakers = list(reference), list(hypothesis)
    ref_len = {s: len(normalize_for_cer(reference[s], numerals=numerals)) for s in ref_speakers}
    hyp_len = {s: len(normalize_for_cer(hypothesis[s], numerals=numerals)) for s in hyp_speakers}
    total = sum(ref_len.values())
    if not ref_speakers or not hyp_speakers:
        return SpeakerAttributedErrors(Rate(total + sum(hyp_len.values()), total), {})
    cost = np.array(
        [
            [char_errors(reference[r], hypothesis[h], numerals=numerals).errors for h in hyp_speakers]
            for r in ref_speakers
        ]
    )
    rows, cols = linear_sum_assignment(cost)
    mapping = {ref_speakers[r]: hyp_speakers[c] for r, c in zip(rows, cols, strict=True)}
    errors = cost[rows, cols].sum()
    errors += sum(n for s, n in ref_len.items() if s not in mapping)
    errors += sum(n for s, n in hyp_len.items() if s not in mapping.values())
    return SpeakerAttributedErrors(Rate(float(errors), total), mapping)


def _annotation(segments: Iterable[SpeakerSegment]) -> Annotation:
    annotation = Annotation()
    for i, s in enumerate(segments):
        if s.end > s.start:
            annotation[Segment(s.start, s.end), i] = s.speaker
    return annotation


def _diarization_detail(
    metric_class: type[DiarizationErrorRate] | type[JaccardErrorRate],
    reference: Sequence[SpeakerSegment],
    hypothesis: Sequence[SpeakerSegment],
    collar: float,
    duration: float,
) -> dict[str, float]:
    """pyannote's error components over the whole recording (``duration`` 0: up to the last end).

    ``collar`` is pyannote.metrics' own: the total width forgiven around every reference boundary
    (half on each side), so "collar 0.25" here equals pyannote's reports and is the stricter
    reading of the figure (NIST md-eval's 0.25 would forgive 0.25 s on each side). Overlapped
    speech is scored.
    """
    end = max([duration, *(s.end for s in reference), *(s.end for s in hypothesis)])
    metric = metric_class(collar=collar, skip_overlap=False)
    return metric(
        _annotation(reference),
        _annotation(hypothesis),
        uem=Timeline([Segment(0.0, end)]),
        detailed=True,
    )


def der(
    reference: Sequence[SpeakerSegment],
    hypothesis: Sequence[SpeakerSegment],
    *,
    collar: float = 0.0,
    duration: float = 0.0,
) -> Rate:
    """Diarization error rate: (missed + false alarm + confusion) seconds over reference speech."""
    detail = _diarization_detail(DiarizationErrorRate, reference, hypothesis, collar, duration)
    errors = detail["confusion"] + detail["missed detection"] + detail["false alarm"]
    return Rate(errors, detail["total"])


def jer(
    reference: Sequence[SpeakerSegment],
    hypothesis: Sequence[SpeakerSegment],
    *,
    collar: float = 0.0,
    duration: float = 0.0,
) -> Rate:
    """Jaccard error rate: per reference speaker 1 − IoU with its matched hypothesis speaker, summed
    over speakers (``total`` = number of reference speakers), so a short speaker weighs as much as
    a long one."""
    detail = _diarization_detail(JaccardErrorRate, reference, hypothesis, collar, duration)
    return Rate(detail["speaker error"], detail["speaker count"])


def missed_speech(reference: Sequence[SpeakerSegment], hypothesis: Sequence[SpeakerSegment]) -> float:
    """Seconds of reference speech not covered by any hypothesis segment, whatever its speaker."""
    ref = Timeline([Segment(s.start, s.end) for s in reference]).support()
    hyp = Timeline([Segment(s.start, s.end) for s in hypothesis]).support()
    return float(ref.extrude(hyp, mode="intersection").duration())


def _timed_chars(turn: Turn) -> list[tuple[float, int]]:
    """(time, normalised character count) pieces of a turn's text.

    A word sits at its midpoint; a turn without words spreads its characters evenly over its span.
    """
    if turn.words:
        return [((w.start + w.end) / 2, len(normalize_for_cer(w.word))) for w in turn.words]
    chars = normalize_for_cer(turn.text)
    step = (turn.end - turn.start) / max(len(chars), 1)
    return [(turn.start + (i + 0.5) * step, 1) for i in range(len(chars))]


def lost_segments(reference: Sequence[tuple[float, float, str]], hypothesis: Sequence[Turn]) -> list[int]:
    """Indexes of reference (start, end, text) spans whose content the hypothesis lost.

    A span is lost when the hypothesis characters timed inside it (``_timed_chars``) number fewer
    than ``LOST_CONTENT_FRACTION`` of the span's normalised reference characters.
    """
    pieces = [piece for turn in hypothesis for piece in _timed_chars(turn)]
    lost = []
    for i, (start, end, text) in enumerate(reference):
        found = sum(n for t, n in pieces if start <= t <= end)
        if found < LOST_CONTENT_FRACTION * len(normalize_for_cer(text)):
            lost.append(i)
    return lost

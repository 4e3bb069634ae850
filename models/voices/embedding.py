"""Voiceprints: one L2-normalised embedding per speaker, from the diarizer's own GE2E encoder.

Why the diarizer's encoder: the registry then compares vectors from the very network that separated
the speakers, needs no further weights, and costs a few hundred windows per meeting. Every print
records ``encoder`` (``GE2E_ENCODER``) so a print made by another network is never compared with
this one's (``models.voices.matching`` only scores like with like).

Windows follow Resemblyzer's ``embed_utterance``: 1.6 s mel windows every 0.8 s inside each span,
their d-vectors averaged and normalised again. Spans shorter than ``MIN_SPAN_S`` and time where
another speaker talks at once are left out: both give a print of the wrong voice or of too little.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

import numpy as np

from models.diarization.ge2e import FRAMES_PER_SECOND, SpeakerEncoder, mel_spectrogram, volume_gain
from models.types import SAMPLE_RATE, SpeakerSegment

GE2E_ENCODER = "ge2e-resemblyzer-0.1.4"
MIN_SPAN_S = 2.0  # the "skip turns < 2 s": shorter turns are mostly 「はい」 and names
WINDOW_S = 1.6
HOP_S = 0.8
MAX_WINDOWS = 40  # per speaker, spread over the meeting: a stable mean at a fixed cost (≤ 5 % of a run)

Span = tuple[float, float]


def speaker_spans(segments: Iterable[SpeakerSegment], min_span_s: float = MIN_SPAN_S) -> dict[str, list[Span]]:
    """Each speaker's single-voice time: its segments minus every other speaker's, pieces of at
    least ``min_span_s`` only."""
    segments = sorted(segments, key=lambda s: s.start)
    starts = [s.start for s in segments]
    longest = max((s.end - s.start for s in segments), default=0.0)
    spans: dict[str, list[Span]] = {}
    for seg in segments:  # only segments starting within ``longest`` before it can overlap it
        near = segments[bisect_left(starts, seg.start - longest) : bisect_left(starts, seg.end)]
        others = [(o.start, o.end) for o in near if o.speaker != seg.speaker and o.end > seg.start]
        pieces = _subtract((seg.start, seg.end), others)
        spans.setdefault(seg.speaker, []).extend(p for p in pieces if p[1] - p[0] >= min_span_s)
    return {speaker: kept for speaker, kept in spans.items() if kept}


def _subtract(span: Span, cuts: Sequence[Span]) -> list[Span]:
    pieces = [span]
    for c_start, c_end in cuts:
        nxt: list[Span] = []
        for start, end in pieces:
            if c_end <= start or c_start >= end:
                nxt.append((start, end))
                continue
            if c_start > start:
                nxt.append((start, c_start))
            if c_end < end:
                nxt.append((c_end, end))
        pieces = nxt
    return pieces


def embed_spans(encoder: SpeakerEncoder, audio: np.ndarray, spans: Sequence[Span]) -> np.ndarray | None:
    """One voiceprint for the speech in ``spans`` of 16 kHz ``audio``; None when no span holds a
    window. The level is raised to Resemblyzer's -30 dBFS over these spans only, as the diarizer
    does over all speech, so a quiet voice and a loud one give comparable prints."""
    pieces = [audio[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)] for s, e in spans]
    pieces = [p for p in pieces if len(p) >= int(WINDOW_S * SAMPLE_RATE)]
    if not pieces:
        return None
    speech = np.concatenate(pieces).astype(np.float64)
    gain = volume_gain(float(np.dot(speech, speech)) / speech.size) ** 2
    length = int(round(WINDOW_S * FRAMES_PER_SECOND))
    hop = int(round(HOP_S * FRAMES_PER_SECOND))
    mels: list[np.ndarray] = []
    for piece in pieces:
        mel = mel_spectrogram(piece) * gain
        last = len(mel) - length
        starts = list(range(0, last + 1, hop))
        if starts[-1] != last:
            starts.append(last)  # the end of the span counts too, as in the diarizer's tiling
        mels.extend(mel[s : s + length] for s in starts)
    if len(mels) > MAX_WINDOWS:  # evenly over the whole meeting, not only its first minutes
        mels = [mels[i] for i in np.linspace(0, len(mels) - 1, MAX_WINDOWS).round().astype(int)]
    windows = encoder.forward(np.stack(mels))
    mean = windows.mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def speaker_embeddings(
    encoder: SpeakerEncoder, audio: np.ndarray, segments: Iterable[SpeakerSegment], min_span_s: float = MIN_SPAN_S
) -> dict[str, np.ndarray]:
    """A voiceprint per diarized speaker that has at least one usable span (others get none and so
    are never named)."""
    prints: dict[str, np.ndarray] = {}
    for speaker, spans in speaker_spans(segments, min_span_s).items():
        vector = embed_spans(encoder, audio, spans)
        if vector is not None:
            prints[speaker] = vector
    return prints

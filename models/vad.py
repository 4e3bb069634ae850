"""Speech regions from the Silero VAD that faster-whisper already bundles (``silero_vad_v6.onnx``).

Diarization places its embedding windows inside these regions and transcription may skip the rest;
sharing one VAD keeps both stages agreeing on where speech is. The ONNX model is cheap (RTF ≈ 0.002
on two cores) and is loaded once per process by faster-whisper's own cache, on first use.
"""

from __future__ import annotations

import numpy as np

from models.types import SAMPLE_RATE


def speech_regions(
    audio: np.ndarray,
    *,
    threshold: float = 0.5,
    min_speech_s: float = 0.25,
    min_silence_s: float = 0.3,
    pad_s: float = 0.1,
) -> list[tuple[float, float]]:
    """Return sorted, non-overlapping ``(start, end)`` seconds of speech in 16 kHz mono ``audio``.

    The defaults split at pauses of 0.3 s, short enough to separate most speaker changes in a
    meeting (the diarizer relies on that); the transcription stage may pass longer silences.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    from models.offline import onnxruntime

    onnxruntime()  # telemetry events off before faster-whisper builds its Silero session
    samples = np.asarray(audio, dtype=np.float32).reshape(-1)
    if samples.size == 0:
        return []
    options = VadOptions(
        threshold=threshold,
        min_speech_duration_ms=int(min_speech_s * 1000),
        min_silence_duration_ms=int(min_silence_s * 1000),
        speech_pad_ms=int(pad_s * 1000),
    )
    chunks = get_speech_timestamps(samples, options, sampling_rate=SAMPLE_RATE)
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks if c["end"] > c["start"]]


def widen(regions: list[tuple[float, float]], pad_s: float, duration: float) -> list[tuple[float, float]]:
    """``regions`` grown by ``pad_s`` on each side, within [0, ``duration``]; two regions closer than
    2 × ``pad_s`` meet at the middle of their gap (as the VAD's own ``speech_pad_ms`` does), so the
    result stays sorted and non-overlapping.

    The diarizer reports its segments over regions widened this way: Silero's edges fall inside a
    word's onset and a reverberant tail, and the 0.1 s that suits the embedding windows left that
    speech out of every segment (docs/benchmarks.md, "Diarization on the degraded grid").
    """
    out: list[tuple[float, float]] = []
    for i, (start, end) in enumerate(regions):
        before = start - (start - regions[i - 1][1]) / 2 if i else 0.0
        after = end + (regions[i + 1][0] - end) / 2 if i + 1 < len(regions) else duration
        out.append((max(start - pad_s, before, 0.0), min(end + pad_s, after, duration)))
    return out

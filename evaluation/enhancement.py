"""Speech enhancement as a measured choice (issue 12): dereverberation and denoising, tried on the
diarizer/VAD input and on the ASR input separately, scored on the degraded dev set.

Enhancement often hurts Whisper (it was trained on unprocessed audio, and denoisers leave artefacts
it has never heard), so nothing here is part of the product: ``python -m evaluation score
--enhance wpe --enhance-for asr`` measures one choice, and docs/benchmarks.md ("Real recording
conditions") records the table that decided. Needs the ``enhance-study`` extra (nara-wpe,
noisereduce).
"""

from __future__ import annotations

import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from evaluation.corpus import Meeting
from evaluation.score import HypothesisSource
from models.audio import decode_audio
from models.pipeline import Pipeline
from models.types import SAMPLE_RATE, Minutes

TARGETS = ("asr", "diarizer", "both")


def dereverberate(audio: np.ndarray) -> np.ndarray:
    """Single-channel WPE (nara-wpe, numpy): a delayed linear prediction of the late reverberation
    per STFT bin, subtracted. 512-point STFT (32 ms), 10 taps after a 3-frame delay, 5 iterations:
    the settings of the package's own 16 kHz example."""
    from nara_wpe.utils import istft, stft
    from nara_wpe.wpe import wpe

    size, shift = 512, 128
    spectrum = stft(audio.astype(np.float64), size=size, shift=shift)  # (frames, bins)
    dereverbed = wpe(spectrum.T[:, None, :], taps=10, delay=3, iterations=5)[:, 0, :].T
    out = istft(dereverbed, size=size, shift=shift)[: len(audio)]
    return np.pad(out, (0, len(audio) - len(out))).astype(np.float32)


def denoise(audio: np.ndarray) -> np.ndarray:
    """Spectral gating (noisereduce, non-stationary mode): the noise floor is tracked over 2 s, so
    hum, fans and babble that change over the meeting are followed."""
    import noisereduce

    return np.asarray(noisereduce.reduce_noise(y=audio, sr=SAMPLE_RATE, stationary=False), dtype=np.float32)


ENHANCERS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"wpe": dereverberate, "denoise": denoise}


class _DiarizeOn(Pipeline):
    """A pipeline whose diarizer (and the VAD inside it) hears ``diarizer_audio`` instead of the
    audio the run decoded, so each stage's input can be enhanced on its own."""

    diarizer_audio: np.ndarray | None = None

    def _diarize(self, audio, speakers, warnings, progress):
        chosen = audio if self.diarizer_audio is None else self.diarizer_audio
        return super()._diarize(chosen, speakers, warnings, progress)


def _write_wav(path: Path, audio: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(audio, -1.0, 32767 / 32768) * 32768).round().astype("<i2").tobytes())


def enhanced_hypotheses(pipeline: Pipeline, enhancer: str, target: str) -> HypothesisSource:
    """Minutes with ``ENHANCERS[enhancer]`` applied to the diarizer's input, the ASR's, or both."""
    enhance = ENHANCERS[enhancer]
    study = _DiarizeOn(pipeline.options, whisper=pipeline.whisper, diarizer=pipeline.diarizer)  # same models

    def run(meeting: Meeting, variant: str) -> Minutes:
        original = decode_audio(meeting.audio[variant])
        enhanced = enhance(original)
        study.diarizer_audio = enhanced if target in ("diarizer", "both") else original
        with tempfile.TemporaryDirectory(prefix="gijiroku-enhance-") as tmp:
            path = Path(tmp) / "input.wav"
            _write_wav(path, enhanced if target in ("asr", "both") else original)
            return study.run(path)

    return run

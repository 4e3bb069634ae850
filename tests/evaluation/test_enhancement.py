"""The enhancement study's processors and its per-stage wiring, on generated audio and fake models."""

from pathlib import Path

import numpy as np
import pytest

from evaluation.corpus import Meeting
from evaluation.degraded import Condition, degrade
from evaluation.enhancement import ENHANCERS, denoise, dereverberate, enhanced_hypotheses
from models.audio import decode_audio
from models.pipeline import Pipeline, PipelineOptions
from models.types import SAMPLE_RATE, SpeakerSegment
from tests.evaluation.test_degraded import _bursts, _write_wav

PAUSE = slice(int(1.25 * SAMPLE_RATE), int(1.55 * SAMPLE_RATE))  # just after the first burst


def _syllables() -> np.ndarray:
    """Noise bursts modulated at a syllable rate: broadband and non-stationary like speech (WPE
    would predict a steady harmonic tone away with its reverberation)."""
    t = np.arange(int(3.0 * SAMPLE_RATE)) / SAMPLE_RATE
    gate = ((t >= 0.3) & (t < 1.2)) | ((t >= 1.6) & (t < 2.6))
    envelope = np.clip(np.sin(2 * np.pi * 4.5 * t), 0, None) * gate
    return (0.1 * np.random.default_rng(0).standard_normal(t.size) * envelope).astype(np.float32)


def _tail(audio: np.ndarray) -> float:
    """Energy in the pause after the first burst, relative to the burst."""
    burst = audio[int(0.3 * SAMPLE_RATE) : int(1.2 * SAMPLE_RATE)]
    return float(np.sqrt(np.mean(audio[PAUSE] ** 2) / np.mean(burst**2)))


def test_wpe_shortens_the_reverberation_tail():
    wet = degrade(_syllables(), Condition("x", rt60_s=0.8, drr_db=0.0), seed=1)
    dry = dereverberate(wet)
    assert len(dry) == len(wet)
    assert _tail(dry) < 0.92 * _tail(wet)


def test_denoiser_lowers_the_noise_in_pauses():
    clean = _bursts(140.0)
    noisy = degrade(clean, Condition("x", noise="brown", snr_db=10.0), seed=1)
    cleaned = denoise(noisy)
    assert len(cleaned) == len(noisy)
    assert np.sqrt(np.mean(cleaned[PAUSE] ** 2)) < 0.5 * np.sqrt(np.mean(noisy[PAUSE] ** 2))


class _RecordingDiarizer:
    def __init__(self) -> None:
        self.heard: list[np.ndarray] = []

    def diarize(self, audio, speakers=None, progress=None):
        self.heard.append(np.asarray(audio))
        return [SpeakerSegment(0.3, 2.6, "A")]


@pytest.mark.parametrize(
    ("target", "diarizer_enhanced", "asr_enhanced"),
    [
        ("asr", False, True),
        ("diarizer", True, False),
        ("both", True, True),
    ],
)
def test_each_stage_hears_the_audio_it_was_given(tmp_path: Path, monkeypatch, target, diarizer_enhanced, asr_enhanced):
    """The enhancer marks its output (a constant offset), so each stage's input is identifiable."""
    path = tmp_path / "m.wav"
    _write_wav(path, _bursts(140.0))
    original = decode_audio(path)
    monkeypatch.setitem(ENHANCERS, "wpe", lambda a: a + 0.25)
    diarizer = _RecordingDiarizer()
    transcribed: list[np.ndarray] = []

    def fake_run(self, audio_path, *args, **kwargs):
        audio = decode_audio(Path(audio_path))
        transcribed.append(audio)
        self._diarize(audio, None, [], lambda _f: None)
        return "minutes"

    monkeypatch.setattr(Pipeline, "run", fake_run)
    pipeline = Pipeline(PipelineOptions(), whisper=object(), diarizer=diarizer)
    source = enhanced_hypotheses(pipeline, "wpe", target)
    meeting = Meeting("m", "", 3.0, {"clean": path}, (), None, None, None)
    assert source(meeting, "clean") == "minutes"
    assert np.mean(diarizer.heard[0] - original) == pytest.approx(0.25 if diarizer_enhanced else 0.0, abs=0.01)
    assert np.mean(transcribed[0] - original) == pytest.approx(0.25 if asr_enhanced else 0.0, abs=0.01)

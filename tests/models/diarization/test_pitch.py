import numpy as np

from models.diarization.pitch import DECIMATE, HOP_S, _decimate, f0_track, window_pitch
from models.types import SAMPLE_RATE


def _voice(f0_hz: float, seconds: float) -> np.ndarray:
    """A harmonic tone with a weak fundamental, like voiced speech through a small loudspeaker."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = sum(a * np.sin(2 * np.pi * f0_hz * h * t) for h, a in [(1, 0.3), (2, 1.0), (3, 0.7), (4, 0.4)])
    return (0.1 * tone).astype(np.float32)


def test_f0_of_low_and_high_voices():
    for f0_hz in (95.0, 140.0, 270.0, 330.0):
        track = f0_track(_voice(f0_hz, 1.0))
        assert abs(12 * np.log2(np.nanmedian(track) / f0_hz)) < 0.2  # within a fifth of a semitone


def test_noise_is_unvoiced_and_windows_get_the_pitch_of_their_speech():
    rng = np.random.default_rng(0)
    audio = np.concatenate([_voice(200.0, 2.0), 0.05 * rng.normal(size=2 * SAMPLE_RATE).astype(np.float32)])
    track = f0_track(audio)
    assert abs(len(track) * HOP_S - 4.0) < 0.1
    assert np.mean(np.isnan(track[int(2.2 / HOP_S) :])) > 0.95
    pitch = window_pitch(track, np.array([0.25, 2.5]), 1.25)
    assert abs(pitch[0] - 12 * np.log2(2.0)) < 0.2  # 200 Hz is 12 semitones above 100 Hz
    assert np.isnan(pitch[1])


def test_decimation_in_chunks_equals_filtering_the_whole_recording():
    """Chunk edges must not show: each output sample is the same low-pass of the audio around it."""
    audio = np.random.default_rng(1).standard_normal(10_007).astype(np.float32)
    taps = 33
    t = np.arange(taps) - taps // 2
    kernel = np.sinc(2 * 0.45 / DECIMATE * t) * np.hamming(taps)
    whole = np.convolve(audio, kernel / kernel.sum(), mode="same")[::DECIMATE]
    np.testing.assert_allclose(_decimate(audio, taps, chunk=100), whole, atol=1e-6)
    np.testing.assert_array_equal(_decimate(audio, taps, chunk=100), _decimate(audio, taps))

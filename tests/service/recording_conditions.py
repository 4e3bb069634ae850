"""Recording conditions with known parameters, made from a committed fixture in numpy: noise at a
given SNR, clipping, a low-pass line, a room of given T60 (tests of ``models.quality`` and of the
pages that show it; importable from every test folder through pyproject's ``pythonpath``)."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from models.audio import decode_audio
from models.types import SAMPLE_RATE

SPEECH = Path(__file__).resolve().parents[1] / "fixtures" / "ja_meeting.wav"  # 28.7 s, 4 TTS voices


def speech() -> np.ndarray:
    return decode_audio(SPEECH)


def active_power(x: np.ndarray) -> float:
    """Speech power over the samples above 2 % of the peak (``../shared/tools/degrade.py``'s rule)."""
    return float(np.mean(x[np.abs(x) > 0.02 * np.abs(x).max()] ** 2))


def add_noise(x: np.ndarray, snr_db: float, kind: str = "white", seed: int = 0) -> np.ndarray:
    """White or pink (1/f power) Gaussian noise at ``snr_db`` below the speech's active power."""
    noise = np.random.default_rng(seed).standard_normal(len(x))
    if kind == "pink":
        spectrum = np.fft.rfft(noise)
        spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
        spectrum[0] = 0
        noise = np.fft.irfft(spectrum, len(x))
    noise *= np.sqrt(active_power(x) / np.mean(noise**2) / 10 ** (snr_db / 10))
    return (x + noise).astype(np.float32)


def clip(x: np.ndarray, gain: float) -> tuple[np.ndarray, float]:
    """``x`` amplified by ``gain`` and clipped at full scale, and the share of samples clipped."""
    loud = x * gain
    return np.clip(loud, -1.0, 1.0).astype(np.float32), float(np.mean(np.abs(loud) >= 1.0))


def lowpass(x: np.ndarray, cutoff_hz: float) -> np.ndarray:
    """A telephone-like line: nothing above ``cutoff_hz`` (ideal filter in the frequency domain)."""
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) > cutoff_hz] = 0
    return np.fft.irfft(spectrum, len(x)).astype(np.float32)


def reverberate(x: np.ndarray, t60_s: float, seed: int = 0) -> np.ndarray:
    """``x`` in a room whose impulse response is a direct path plus Gaussian noise decaying by
    60 dB in ``t60_s`` (Polack's statistical model), at the speech's own level."""
    n = int(1.2 * t60_s * SAMPLE_RATE)
    t = np.arange(n) / SAMPLE_RATE
    rir = np.random.default_rng(seed).standard_normal(n) * 10 ** (-3 * t / t60_s)
    rir[0] = 3 * np.abs(rir).max()
    wet = np.fft.irfft(np.fft.rfft(x, len(x) + n) * np.fft.rfft(rir, len(x) + n))[: len(x)]
    return (wet * np.sqrt(np.mean(x**2) / np.mean(wet**2))).astype(np.float32)


def wav_bytes(x: np.ndarray) -> bytes:
    """16-bit mono WAV at 16 kHz."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()

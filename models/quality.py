"""Recording-quality diagnostics: what about an upload hurts recognition, and what to change.

A town that tried speech recognition for its minutes found the recording, not the software,
decided the result (issue 12). So every run measures the decoded 16 kHz audio and tells the user,
in Japanese, what to do differently next time. Everything is blind (no reference, no model) and
works on 20 ms frame powers plus a few hundred short spectra, so an hour of audio costs a few
hundred milliseconds, well under 1 % of a run:

- **speech level**: the active speech level of ITU-T P.56 (method B), on frames instead of the
  sample envelope: the threshold is the level 15.9 dB below the mean power of the frames above it;
  the noise power is taken off, so the level is the speech's own, in dBFS; frames count as
  active only 3 dB above the noise.
- **SNR**: that speech power against the noise power, the 2nd percentile of the frame powers
  (the quietest frames between words), as NIST's SPQA ``stnr`` tool separates the two ends of the
  frame-energy distribution. The 10th percentile would count reverberant tails filling short
  pauses as noise (sox reverb 90 at 40 dB SNR read as 12.6 dB; the 2nd reads 18.1).
- **reverberation**: a blind T60 from the distribution of free-decay rates (Wen, Habets & Naylor,
  "Blind estimation of reverberation time based on the distribution of signal decay rates",
  ICASSP 2008; free-decay regions as in Prego, de Lima, Lee & Netto, JASA 2012/2015): after a
  word ends, the energy cannot fall faster than the room lets it, so the steepest sustained decays
  of the (noise-subtracted) frame energy measure the room. The raw estimate is compressed;
  ``_T60_FROM_DECAY`` maps it to seconds, fitted on speech convolved with exponential-decay room
  responses of known T60 (docs/benchmarks.md, "Recording-quality diagnostics").
- **clipping**: the share of samples on the plateau at the recording's peak (within 1 % of it);
  a recording that never clipped has a handful such samples, a clipped one thousands.
- **bandwidth**: the highest frequency where the loudest frames' spectrum stands above the
  quietest frames' (speech above the noise) and within 60 dB of its peak: the band the speech
  actually reaches after the microphone, the line and the codec.
"""

from __future__ import annotations

import numpy as np

from models.types import SAMPLE_RATE, RecordingQuality

FRAME = SAMPLE_RATE // 50  # 20 ms
_MIN_FRAMES = 50  # under 1 s nothing is judged
_POWER_FLOOR = 1e-10  # -100 dBFS: digital silence
_NOISE_PERCENTILE = 2
_P56_MARGIN_DB = 15.9  # ITU-T P.56: activity threshold below the active level
MAX_SNR_DB = 60.0  # reported for recordings without measurable noise

# free decays: DECAY_FRAMES frames (100 ms) of falling energy, starting at least 15 dB and ending
# at least 3 dB above the noise; the 10th percentile of their slopes is the room's decay
_DECAY_FRAMES = 5
_DECAY_START_DB = 15.0
_DECAY_END_DB = 3.0
_DECAY_PERCENTILE = 10
_MIN_DECAYS = 10
# raw T60 (-60 / slope) → seconds: T60 = a·exp(b·raw), fitted on exponential-decay room responses
_T60_FROM_DECAY = (0.33, 5.37, 0.3)  # a, b, raw offset (log-linear fit, 0.2–1.5 s, 40 dB SNR)

_CLIP_PLATEAU = 0.99  # samples within 1 % of the peak
_CLIP_MIN_PEAK = 0.25  # below -12 dBFS peak there is no clipping to speak of

_SPECTRA = 400  # frames per spectrum (loudest 20 %, quietest 10 %)
_BAND_ABOVE_NOISE_DB = 3.0
_BAND_RANGE_DB = 60.0

# What each measure must reach: (minor problem below/above, major problem below/above).
SNR_DB = (20.0, 15.0)  # below; issue 12: 18 dB cost 5 points of CER, 12 dB 34
REVERB_T60_S = (0.5, 0.9)  # above
SPEECH_LEVEL_DBFS = (-40.0, -50.0)  # below
CLIPPING_RATIO = (1e-4, 1e-3)  # above
BANDWIDTH_HZ = (4500.0, 3000.0)  # below
_BAND_NEEDS_SNR_DB = 15.0  # below this, noise (not the line) is what narrows the band

GRADE_LABELS = {"good": "良好", "fair": "普通", "poor": "要改善", "unknown": "判定できません"}

ADVICE = {
    "noise": "雑音が大きい録音です。空調や機器から離れた位置にマイクを置き、発言者の近くで録音すると精度が上がります。",
    "reverb": "残響が大きい録音です。マイクを発言者の近くに置くと精度が上がります。",
    "quiet": "録音レベルが低すぎます。マイクを発言者に近づけるか、録音機の入力レベル（録音感度）を上げてください。",
    "clipping": "録音レベルが高すぎて音が割れています。録音機の入力レベル（録音感度）を下げてください。",
    "narrowband": "電話や低ビットレートの録音です。高い音域が失われているため、"
    "会議室で直接録音するか、ビットレートの高い設定（64 kbps 以上）で保存すると精度が上がります。",
}


def _frame_powers(audio: np.ndarray) -> np.ndarray:
    frames = audio[: len(audio) // FRAME * FRAME].reshape(-1, FRAME)
    return np.einsum("ij,ij->i", frames, frames).astype(np.float64) / FRAME


def _db(power: np.ndarray | float) -> np.ndarray:
    return 10 * np.log10(np.maximum(power, _POWER_FLOOR))


def _active_power(powers: np.ndarray, noise: float) -> float:
    """Mean power of the active frames (P.56 method B on frames). Active frames must also stand
    3 dB above the noise: at low SNR the P.56 threshold falls into the noise and would count the
    pauses as speech (white noise at 10 dB SNR read as 7 dB)."""
    loudest = np.sort(powers)[::-1]
    mean_above = np.cumsum(loudest) / np.arange(1, len(loudest) + 1)
    margin = _db(mean_above) - _db(loudest)  # grows as quieter frames are let in
    k = min(int(np.searchsorted(margin, _P56_MARGIN_DB)), int(np.count_nonzero(loudest >= 2 * noise)) - 1)
    return float(mean_above[max(k, 0)])


def _reverb_t60(powers: np.ndarray, noise: float) -> float | None:
    """Blind T60 in seconds from the steepest free decays; None when too few decays stand far
    enough above the noise to measure (very noisy or very short recordings)."""
    energy = _db(powers - noise)
    noise_db = float(_db(noise))
    n = _DECAY_FRAMES
    t = np.arange(n) - (n - 1) / 2
    slopes = np.convolve(energy, t[::-1] / (t**2).sum(), mode="valid") * (SAMPLE_RATE / FRAME)  # dB/s
    falling = np.convolve((np.diff(energy) < 0).astype(np.float64), np.ones(n - 1), mode="valid") >= n - 1
    decays = slopes[
        falling
        & (energy[: len(energy) - n + 1] >= noise_db + _DECAY_START_DB)
        & (energy[n - 1 :] >= noise_db + _DECAY_END_DB)
    ]
    if decays.size < _MIN_DECAYS:
        return None
    raw = -60.0 / min(float(np.percentile(decays, _DECAY_PERCENTILE)), -1e-3)
    a, b, offset = _T60_FROM_DECAY
    return float(a * np.exp(b * (raw - offset)))


def _clipping_ratio(audio: np.ndarray) -> float:
    peak = max(float(audio.max()), -float(audio.min()))
    if peak < _CLIP_MIN_PEAK:
        return 0.0
    level = _CLIP_PLATEAU * peak
    # in cache-sized chunks: twice as fast as comparing the whole hour at once
    step = 1 << 16
    count = sum(int(np.count_nonzero(np.abs(audio[i : i + step]) >= level)) for i in range(0, audio.size, step))
    return count / audio.size


def _spectrum_db(frames: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Mean power spectrum (dB) of up to ``_SPECTRA`` of the chosen frames, spread over time,
    smoothed over 250 Hz."""
    chosen = np.sort(chosen)
    chosen = chosen[np.linspace(0, len(chosen) - 1, min(_SPECTRA, len(chosen))).astype(int)]
    spectra = np.abs(np.fft.rfft(frames[chosen] * np.hanning(FRAME), axis=1)) ** 2
    return _db(np.convolve(spectra.mean(axis=0), np.ones(5) / 5, mode="same"))


def _bandwidth_hz(audio: np.ndarray, powers: np.ndarray) -> float:
    frames = audio[: len(powers) * FRAME].reshape(-1, FRAME)
    order = np.argsort(powers)
    loud = _spectrum_db(frames, order[-max(1, len(order) // 5) :])
    quiet = _spectrum_db(frames, order[: max(1, len(order) // 10)])
    speech = (loud >= quiet + _BAND_ABOVE_NOISE_DB) & (loud >= loud.max() - _BAND_RANGE_DB)
    if not speech.any():
        return 0.0
    return float(np.nonzero(speech)[0].max() * SAMPLE_RATE / FRAME)


def _severity(value: float | None, limits: tuple[float, float], below: bool) -> int:
    """0 fine, 1 a minor problem, 2 a major one."""
    if value is None:
        return 0
    minor, major = limits
    if below:
        return 2 if value < major else 1 if value < minor else 0
    return 2 if value > major else 1 if value > minor else 0


def grade(
    speech_level_dbfs: float | None,
    snr_db: float | None,
    reverb_t60_s: float | None,
    clipping_ratio: float,
    bandwidth_hz: float | None,
) -> tuple[str, tuple[str, ...]]:
    """The grade (good / fair / poor: the worst problem decides) and the advice, worst first."""
    band = _severity(bandwidth_hz, BANDWIDTH_HZ, below=True)
    if snr_db is not None and snr_db < _BAND_NEEDS_SNR_DB:
        band = 0  # the noise advice covers it
    problems = {
        "clipping": _severity(clipping_ratio, CLIPPING_RATIO, below=False),
        "noise": _severity(snr_db, SNR_DB, below=True),
        "reverb": _severity(reverb_t60_s, REVERB_T60_S, below=False),
        "quiet": _severity(speech_level_dbfs, SPEECH_LEVEL_DBFS, below=True),
        "narrowband": band,
    }
    worst = max(problems.values())
    order = sorted((k for k, v in problems.items() if v), key=lambda k: -problems[k])  # stable: ties keep order
    return ("good", "fair", "poor")[worst], tuple(ADVICE[k] for k in order)


def estimate_quality(audio: np.ndarray) -> RecordingQuality:
    """Measure 16 kHz mono float ``audio`` (as ``models.audio.decode_audio`` returns it)."""
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)
    powers = _frame_powers(audio)
    if len(powers) < _MIN_FRAMES:
        return RecordingQuality(None, None, None, 0.0, None, "unknown", ())
    noise = max(float(np.percentile(powers, _NOISE_PERCENTILE)), _POWER_FLOOR)
    speech = max(_active_power(powers, noise) - noise, _POWER_FLOOR)
    level = float(_db(speech))
    snr = min(float(_db(speech) - _db(noise)), MAX_SNR_DB)
    t60 = _reverb_t60(powers, noise)
    clipping = _clipping_ratio(audio)
    bandwidth = _bandwidth_hz(audio, powers)
    verdict, advice = grade(level, snr, t60, clipping, bandwidth)
    return RecordingQuality(
        speech_level_dbfs=round(level, 1),
        snr_db=round(snr, 1),
        reverb_t60_s=None if t60 is None else round(t60, 2),
        clipping_ratio=round(clipping, 6),
        bandwidth_hz=round(bandwidth),
        grade=verdict,
        advice=advice,
    )

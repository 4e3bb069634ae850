"""A degraded development set: the corpus meetings as real rooms, microphones and codecs make them.

Municipal recordings come from an IC recorder at the back of a committee room (reverberation, hum,
fan noise), from web-meeting recordings (Opus/AAC, band-limited) or a phone line (issue 12). The
clean synthetic corpus proves nothing about those, so this module rebuilds each meeting under a grid
of named conditions and writes a corpus directory (``evaluation.corpus`` format) whose audio
variants are the conditions: ``python -m evaluation score OUT --variant all`` then scores every
condition with the same references, because every condition keeps the length and timing.

Everything is computed here with numpy/scipy (room, band, noise, level) and PyAV (codecs), seeded,
so the set is rebuilt identically from the corpus instead of being checked in as audio:

    python -m evaluation degrade CORPUS_DIR OUT_DIR [--conditions reverb brown10 opus16 ...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import wave
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from scipy import signal

from evaluation.corpus import Meeting, load_corpus
from models.audio import decode_audio
from models.errors import GijirokuError
from models.types import SAMPLE_RATE

NOISE_KINDS = ("hum", "brown", "babble", "music")
CODECS = ("wav", "opus", "mp3", "aac", "telephone")
_EXTENSIONS = {"wav": "wav", "opus": "webm", "mp3": "mp3", "aac": "m4a", "telephone": "wav"}
BABBLE_TALKERS = 6
SPEECH_FLOOR_DB = -35.0  # 20 ms frames within this much of the loudest frame count as speech


@dataclass(frozen=True)
class Condition:
    """One recording condition, applied in the order a real recording meets them: the room
    (reverberation), the microphone (band), the room's noise, the recorder's level, the codec."""

    name: str
    rt60_s: float = 0.0  # reverberation time of the simulated room (0: dry)
    drr_db: float = 0.0  # direct-to-reverberant ratio: lower is a more distant microphone
    band_hz: tuple[float, float] | None = None  # band-pass of a cheap microphone / channel
    noise: str | None = None  # one of NOISE_KINDS
    snr_db: float = 20.0  # noise against speech-active RMS
    peak_dbfs: float | None = None  # scale the whole recording to this peak (a quiet recorder)
    clip_gain_db: float = 0.0  # overdriven input: gain, then hard clipping at full scale
    codec: str = "wav"  # one of CODECS
    kbps: int = 0  # codec bitrate (opus, mp3, aac)

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.codec]


def _grid() -> dict[str, Condition]:
    conditions = [
        Condition("clean"),
        Condition("reverb", rt60_s=0.7, drr_db=0.0),
        Condition("reverb_far", rt60_s=1.0, drr_db=-6.0),
        Condition("band", band_hz=(300.0, 3400.0)),
        *(Condition(f"{kind}{snr}", noise=kind, snr_db=float(snr)) for kind in NOISE_KINDS for snr in (20, 10, 5)),
        Condition("quiet", peak_dbfs=-30.0),
        Condition("clipped", clip_gain_db=12.0),
        *(Condition(f"opus{k}", codec="opus", kbps=k) for k in (16, 24, 32)),
        *(Condition(f"mp3_{k}", codec="mp3", kbps=k) for k in (32, 64)),
        Condition("aac48", codec="aac", kbps=48),
        Condition("telephone", codec="telephone"),
        # The two rooms of issue 12's table: a moderate room and a far-field web recording.
        Condition("room", rt60_s=0.5, drr_db=3.0, noise="brown", snr_db=18.0, codec="mp3", kbps=48),
        Condition(
            "farfield",
            rt60_s=0.9,
            drr_db=-3.0,
            band_hz=(150.0, 3800.0),
            noise="hum",
            snr_db=12.0,
            codec="opus",
            kbps=16,
        ),
    ]
    return {c.name: c for c in conditions}


CONDITIONS = _grid()
# A compact grid that still has one of each kind (room, noise type, 5/10 dB, level, codec).
COMPACT = (
    "reverb",
    "brown10",
    "babble10",
    "music10",
    "hum5",
    "babble5",
    "quiet",
    "clipped",
    "opus16",
    "mp3_32",
    "telephone",
    "farfield",
)


# --- signal steps -------------------------------------------------------------------------------
def speech_rms(audio: np.ndarray) -> float:
    """RMS over 20 ms frames within ``SPEECH_FLOOR_DB`` of the loudest, so pauses do not count."""
    frame = SAMPLE_RATE // 50
    n = len(audio) // frame
    if n == 0:
        return float(np.sqrt(np.mean(audio**2))) if audio.size else 0.0
    power = np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1)
    active = power >= power.max() * 10 ** (SPEECH_FLOOR_DB / 10)
    return float(np.sqrt(np.mean(power[active])))


def room_impulse_response(rt60_s: float, drr_db: float, rng: np.random.Generator) -> np.ndarray:
    """A direct path plus an exponentially decaying noise tail (Schroeder's statistical room model):
    the tail loses 60 dB in ``rt60_s`` and carries ``-drr_db`` dB of energy relative to the direct
    sound. The direct path is at sample 0, so the reverberant copy stays aligned with the reference."""
    length = int(rt60_s * 1.2 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    tail = rng.standard_normal(length) * np.exp(-6.908 * t / rt60_s)
    tail[: int(0.005 * SAMPLE_RATE)] = 0.0  # first reflections arrive a few ms after the direct sound
    tail *= np.sqrt(10 ** (-drr_db / 10) / np.sum(tail**2))
    tail[0] = 1.0
    return tail


def band_limit(audio: np.ndarray, low_hz: float, high_hz: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Zero-phase band-pass (timestamps unchanged)."""
    sos = signal.butter(4, [low_hz, min(high_hz, rate / 2 * 0.95)], btype="bandpass", fs=rate, output="sos")
    return signal.sosfiltfilt(sos, audio)


def hum_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Mains hum: 50 Hz and its odd harmonics (a transformer or fluorescent light), a little hiss."""
    t = np.arange(n) / SAMPLE_RATE
    phase = rng.uniform(0, 2 * np.pi, 6)
    hum = sum(
        a * np.sin(2 * np.pi * f * t + p)
        for a, f, p in zip((1.0, 0.5, 0.35, 0.25, 0.15, 0.1), (50, 150, 250, 350, 450, 550), phase, strict=True)
    )
    return hum + 0.05 * rng.standard_normal(n)


def brown_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Fan / air-conditioning rumble: integrated white noise, high-passed at 20 Hz to remove drift."""
    brown = np.cumsum(rng.standard_normal(n))
    sos = signal.butter(2, 20.0, btype="highpass", fs=SAMPLE_RATE, output="sos")
    return signal.sosfiltfilt(sos, brown)


def babble_noise(n: int, sources: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """``BABBLE_TALKERS`` speech streams at random offsets of the other meetings' audio, summed:
    the talk of a public gallery or a neighbouring room."""
    pool = np.concatenate([s for s in sources if s.size]) if sources else np.zeros(0)
    if pool.size == 0:
        raise GijirokuError(
            "degrade_no_babble", "雑談ノイズの元になる音声がありません。", "No speech to make babble from."
        )
    out = np.zeros(n)
    for _ in range(BABBLE_TALKERS):
        stream = np.roll(pool, -int(rng.integers(pool.size)))
        reps = int(np.ceil(n / stream.size))
        out += np.tile(stream, reps)[:n] / max(speech_rms(stream), 1e-9)
    return out


def music_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Background music: chords of harmonic tones from a major scale changing every beat, a bass note
    under them, each note with an attack/decay envelope (broadband and tonal, unlike hum)."""
    beat = int(0.5 * SAMPLE_RATE)
    t = np.arange(beat) / SAMPLE_RATE
    envelope = np.minimum(t / 0.02, 1.0) * np.exp(-t / 0.4)
    scale = np.array([0, 2, 4, 5, 7, 9, 11])
    out = np.zeros(n + beat)
    for start in range(0, n, beat):
        root = int(rng.integers(7))
        notes = [220.0 * 2 ** ((scale[(root + k) % 7] + 12 * ((root + k) // 7)) / 12) for k in (0, 2, 4)]
        notes.append(notes[0] / 4)  # bass
        tone = sum(sum(np.sin(2 * np.pi * f * h * t) / h**1.5 for h in range(1, 6)) for f in notes)
        out[start : start + beat] += tone * envelope
    return out[:n]


def make_noise(kind: str, n: int, rng: np.random.Generator, babble_sources: Sequence[np.ndarray]) -> np.ndarray:
    if kind == "hum":
        return hum_noise(n, rng)
    if kind == "brown":
        return brown_noise(n, rng)
    if kind == "babble":
        return babble_noise(n, babble_sources, rng)
    if kind == "music":
        return music_noise(n, rng)
    raise ValueError(f"unknown noise kind {kind!r}; one of {NOISE_KINDS}")


def degrade(
    audio: np.ndarray, condition: Condition, *, seed: int = 0, babble_sources: Sequence[np.ndarray] = ()
) -> np.ndarray:
    """``audio`` (16 kHz mono float) as recorded under ``condition``, same length, before the codec.

    The result stays within full scale: a condition that does not set the level only lowers it when
    noise or reverberation would clip, so clipping happens only where the condition asks for it.
    """
    rng = np.random.default_rng(seed)
    x = np.asarray(audio, dtype=np.float64)
    n = len(x)
    if condition.rt60_s > 0:
        x = signal.fftconvolve(x, room_impulse_response(condition.rt60_s, condition.drr_db, rng))[:n]
    if condition.band_hz is not None:
        x = band_limit(x, *condition.band_hz)
    if condition.noise is not None:
        noise = make_noise(condition.noise, n, rng, babble_sources)
        noise_rms = float(np.sqrt(np.mean(noise**2)))
        x = x + noise * speech_rms(x) / 10 ** (condition.snr_db / 20) / max(noise_rms, 1e-12)
    peak = float(np.max(np.abs(x))) if n else 0.0
    if condition.peak_dbfs is not None and peak > 0:
        x = x * 10 ** (condition.peak_dbfs / 20) / peak
    elif peak > 0.99:
        x = x * 0.99 / peak
    if condition.clip_gain_db:
        x = np.clip(x * 10 ** (condition.clip_gain_db / 20), -1.0, 1.0)
    return x.astype(np.float32)


# --- writing ------------------------------------------------------------------------------------
def _pcm16(audio: np.ndarray) -> np.ndarray:
    return (np.clip(audio, -1.0, 32767 / 32768) * 32768).round().astype("<i2")


def _write_wav(path: Path, audio: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(_pcm16(audio).tobytes())


def _encode(path: Path, audio: np.ndarray, codec: str, kbps: int, rate: int = SAMPLE_RATE) -> None:
    """Opus (48 kHz, as WebM carries it), MP3 or AAC through PyAV; G.711 μ-law for the telephone."""
    import av

    specs = {
        "opus": ("libopus", 48000, "s16"),
        "mp3": ("libmp3lame", rate, "s16p"),
        "aac": ("aac", rate, "fltp"),
        "telephone": ("pcm_mulaw", rate, "s16"),
    }
    codec_name, out_rate, sample_format = specs[codec]
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec_name, rate=out_rate)
        assert isinstance(stream, av.audio.stream.AudioStream)
        stream.layout = "mono"
        if kbps:
            stream.bit_rate = kbps * 1000
        frame = av.AudioFrame.from_ndarray(_pcm16(audio)[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        # Timestamps from 0 let the encoder date its priming samples before 0, so the muxer writes
        # the edit list that makes decoders skip them (without, AAC came back 64 ms late).
        frame.pts = 0
        frame.time_base = Fraction(1, rate)
        resampler = av.AudioResampler(format=sample_format, layout="mono", rate=out_rate)
        for chunk in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def write_condition(path: Path, audio: np.ndarray, condition: Condition) -> None:
    """The degraded audio in the condition's container; the telephone is an 8 kHz, 300–3400 Hz
    μ-law channel."""
    if condition.codec == "wav":
        _write_wav(path, audio)
    elif condition.codec == "telephone":
        narrow = band_limit(audio, 300.0, 3400.0)
        _encode(path, signal.resample_poly(narrow, 1, 2).astype(np.float32), "telephone", 0, rate=8000)
    else:
        _encode(path, audio, condition.codec, condition.kbps)


# --- the corpus ---------------------------------------------------------------------------------
def _meeting_json(meeting: Meeting) -> Path:
    for path in (meeting.rttm, meeting.txt, meeting.clean_txt):
        if path is not None:
            return path.with_name(f"{meeting.name}.json")
    return next(iter(meeting.audio.values())).with_name(f"{meeting.name}.json")


def build_degraded_corpus(
    corpus_dir: Path, out_dir: Path, conditions: Sequence[str], *, seed: int = 0, force: bool = False
) -> list[Path]:
    """Write every meeting of ``corpus_dir`` under each condition into ``out_dir`` as a corpus whose
    variants are the condition names; returns the audio files written. Existing audio files are kept
    unless ``force`` (the set is deterministic for a seed), so adding a condition is cheap."""
    unknown = [c for c in conditions if c not in CONDITIONS]
    if unknown:
        raise GijirokuError(
            "degrade_unknown_condition",
            f"不明な条件です: {', '.join(unknown)}（使用可能: {', '.join(CONDITIONS)}）",
            f"Unknown condition(s): {', '.join(unknown)} (known: {', '.join(CONDITIONS)})",
        )
    meetings = load_corpus(corpus_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    clean = {m.name: decode_audio(m.audio["clean"]) for m in meetings}
    written: list[Path] = []
    for index, meeting in enumerate(meetings):
        others = [audio for name, audio in clean.items() if name != meeting.name] or [clean[meeting.name]]
        data = json.loads(_meeting_json(meeting).read_text(encoding="utf-8"))
        data["audio"] = {}
        data["degraded"] = {}
        for k, name in enumerate(conditions):
            condition = CONDITIONS[name]
            target = out_dir / f"{meeting.name}.{name}.{condition.extension}"
            if force or not target.is_file():
                audio = degrade(clean[meeting.name], condition, seed=seed + 1000 * index + k, babble_sources=others)
                write_condition(target, audio, condition)
                written.append(target)
            data["audio"][name] = target.name
            data["degraded"][name] = {k: v for k, v in asdict(condition).items() if k != "name"}
        for source in (meeting.rttm, meeting.txt, meeting.clean_txt):
            if source is not None:
                shutil.copyfile(source, out_dir / source.name)
        (out_dir / f"{meeting.name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    index_data = {"meetings": [{"name": m.name} for m in meetings], "conditions": list(conditions), "seed": seed}
    (out_dir / "corpus.json").write_text(json.dumps(index_data, ensure_ascii=False, indent=1), encoding="utf-8")
    return written


def add_degrade_command(commands) -> None:
    parser = commands.add_parser("degrade", help="build the degraded dev set (rooms, noise, codecs) from a corpus")
    parser.add_argument("corpus_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument(
        "--conditions",
        nargs="+",
        default=list(COMPACT),
        metavar="NAME",
        help=f"conditions to build (default: the compact grid; 'all' for every one: {', '.join(CONDITIONS)})",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="rebuild audio files that already exist")


def degrade_command(args: argparse.Namespace) -> int:
    names = list(CONDITIONS) if args.conditions == ["all"] else args.conditions
    written = build_degraded_corpus(args.corpus_dir, args.out_dir, names, seed=args.seed, force=args.force)
    print(f"{len(written)} files written to {args.out_dir} ({len(names)} conditions)", file=sys.stderr)
    return 0

"""Random cuts of real audio, clean and degraded, through the real pipeline: no cut may crash it.

A crash is any exception other than ``GijirokuError`` (which carries a message for the user, e.g.
``no_speech`` for a cut of silence). Cuts are 0.5–60 s at random offsets, each optionally degraded
the way real recordings are (noise, telephone band, clipping, a far-away quiet microphone), so clip
planning meets layouts no corpus meeting has: issue 16 found a crash in an 18 s cut of a meeting
that transcribed whole without trouble. Each cut is written as a 16-bit WAV (the decoder runs too),
and the minutes are serialised and rendered in every export format, as the service and CLI do.

    python -m evaluation fuzz CORPUS_DIR [--cuts 30] [--seed 1] [--min-s 0.5] [--max-s 60]

The test suite runs a bounded version on ``tests/fixtures`` (tests/models/test_pipeline_fuzz.py).
"""

from __future__ import annotations

import json
import random
import tempfile
import traceback
import wave
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import butter, sosfilt

from models.errors import GijirokuError
from models.types import SAMPLE_RATE


def _noise(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """White noise at 0–15 dB SNR against the cut's own level."""
    snr_db = rng.uniform(0.0, 15.0)
    level = np.sqrt(np.mean(audio**2)) if audio.size else 0.0
    noise = rng.standard_normal(audio.size).astype(np.float32)
    return audio + noise * (level / 10 ** (snr_db / 20) if level > 0 else 0.01)


def _band(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A telephone line or a cheap recorder: 300–3400 Hz."""
    sos = butter(4, [300, 3400], btype="bandpass", fs=SAMPLE_RATE, output="sos")
    return sosfilt(sos, audio).astype(np.float32)


def _clip(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An overdriven input: 10–30 dB too much gain, flattened at full scale."""
    return np.clip(audio * 10 ** (rng.uniform(10.0, 30.0) / 20), -1.0, 1.0)


def _quiet(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A microphone across the room: 35–55 dB down (a few bits left after 16-bit writing)."""
    return audio * 10 ** (-rng.uniform(35.0, 55.0) / 20)


DEGRADATIONS: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray] | None] = {
    "none": None,
    "noise": _noise,
    "band": _band,
    "clip": _clip,
    "quiet": _quiet,
}


@dataclass(frozen=True)
class Source:
    name: str  # e.g. "kyouiku_iinkai/noisy"
    audio: np.ndarray  # 16 kHz mono float32


@dataclass(frozen=True)
class Cut:
    index: int
    source: str
    start: float
    length: float
    degradation: str

    def __str__(self) -> str:
        return (
            f"#{self.index} {self.source} {self.start:.2f}–{self.start + self.length:.2f} s "
            f"({self.length:.2f} s) {self.degradation}"
        )


@dataclass(frozen=True)
class Outcome:
    cut: Cut
    result: str  # "ok", "refused", "crash"
    detail: str  # turns and characters, the GijirokuError's code and message, or the traceback

    def __str__(self) -> str:
        return f"{self.cut}: {self.result} {self.detail}"


def random_cuts(
    sources: Sequence[Source], count: int, seed: int, min_s: float = 0.5, max_s: float = 60.0
) -> Iterator[tuple[Cut, np.ndarray]]:
    """``count`` cuts (with their audio), reproducible from ``seed``; a cut never exceeds its source.
    Degradations take turns, so any five consecutive cuts meet each of them once."""
    rng = random.Random(seed)
    names = list(DEGRADATIONS)
    for index in range(count):
        source = rng.choice(sources)
        total = len(source.audio) / SAMPLE_RATE
        length = rng.uniform(min(min_s, total), min(max_s, total))
        start = rng.uniform(0.0, total - length)
        degradation = names[index % len(names)]
        first = int(start * SAMPLE_RATE)
        audio = source.audio[first : first + int(length * SAMPLE_RATE)]
        degrade = DEGRADATIONS[degradation]
        if degrade is not None:
            audio = degrade(audio, np.random.default_rng([seed, index]))
        yield Cut(index, source.name, start, length, degradation), audio


def write_wav(path: Path, audio: np.ndarray) -> None:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())


def run_cut(pipeline, cut: Cut, audio: np.ndarray, workdir: Path) -> Outcome:
    """Pipeline, JSON and every export format on one cut; anything but a GijirokuError is a crash."""
    from exporters import FORMATS, render

    path = workdir / f"cut{cut.index}.wav"
    write_wav(path, audio)
    try:
        minutes = pipeline.run(path)
        json.dumps(minutes.to_dict(), ensure_ascii=False)
        for fmt in FORMATS:
            render(minutes, fmt)
    except GijirokuError as exc:
        return Outcome(cut, "refused", f"[{exc.code}] {exc.message}")
    except Exception:
        return Outcome(cut, "crash", traceback.format_exc())
    finally:
        path.unlink(missing_ok=True)
    chars = sum(len(t.text) for t in minutes.turns)
    return Outcome(cut, "ok", f"{len(minutes.turns)} turns, {chars} characters")


def fuzz(
    pipeline,
    sources: Sequence[Source],
    count: int,
    seed: int,
    min_s: float = 0.5,
    max_s: float = 60.0,
    report: Callable[[Outcome], None] = lambda _o: None,
) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="gijiroku-fuzz-") as workdir:
        outcomes = []
        for cut, audio in random_cuts(sources, count, seed, min_s, max_s):
            outcomes.append(run_cut(pipeline, cut, audio, Path(workdir)))
            report(outcomes[-1])
        return outcomes


def corpus_sources(corpus_dir: Path) -> list[Source]:
    """Every audio variant (clean, noisy) of every meeting in an evaluation corpus."""
    from evaluation.corpus import load_corpus
    from models.audio import decode_audio

    return [
        Source(f"{meeting.name}/{variant}", decode_audio(path))
        for meeting in load_corpus(corpus_dir)
        for variant, path in sorted(meeting.audio.items())
    ]


def summary(outcomes: Sequence[Outcome]) -> str:
    counts = {result: sum(o.result == result for o in outcomes) for result in ("ok", "refused", "crash")}
    return f"{len(outcomes)} cuts: {counts['ok']} ok, {counts['refused']} refused, {counts['crash']} crashes"


def add_fuzz_command(commands) -> None:
    fuzz_cmd = commands.add_parser(
        "fuzz", help="random cuts (clean and degraded) through the real pipeline; exit 1 on any crash"
    )
    fuzz_cmd.add_argument("corpus_dir", type=Path)
    fuzz_cmd.add_argument("--cuts", type=int, default=30)
    fuzz_cmd.add_argument("--seed", type=int, default=1)
    fuzz_cmd.add_argument("--min-s", type=float, default=0.5)
    fuzz_cmd.add_argument("--max-s", type=float, default=60.0)


def fuzz_command(args) -> int:
    """The acceptance run: the pipeline as configured (``GIJIROKU_*``), like the service's."""
    from models.settings import ModelSettings

    pipeline = ModelSettings().pipeline()
    outcomes = fuzz(
        pipeline,
        corpus_sources(args.corpus_dir),
        args.cuts,
        args.seed,
        args.min_s,
        args.max_s,
        report=lambda outcome: print(outcome, flush=True),
    )
    print(summary(outcomes))
    return 1 if any(o.result == "crash" for o in outcomes) else 0

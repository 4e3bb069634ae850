"""Cut a stretch of a corpus recording into a small lossless test fixture (FLAC).

Tests must not read ``../shared/``, but some failures only happen on one particular stretch of real
audio. This script copies such a stretch, sample for sample, into ``tests/fixtures/`` as FLAC
(lossless, about half the size of WAV), so the test decodes exactly the samples that failed.

The default is the cut of issue 16: ``kyouiku_iinkai.wav`` from 170.0 s to 188.0 s, on which the
lost-turn retry used to pass overlapping clips to faster-whisper and crash with
``AssertionError: non-negative timestamp expected``
(``tests/models/test_clip_planning.py::test_kyouiku_cut_that_crashed_the_retry_transcribes_with_text``).

Rerun from the repository root::

    .venv/bin/python scripts/make_crash_fixture.py \\
        [--source ../shared/corpus/kyouiku_iinkai.wav --start 170 --end 188 \\
         --out tests/fixtures/kyouiku_170_188.flac]
"""

from __future__ import annotations

import argparse
import wave
from pathlib import Path

import av
import numpy as np

REPO = Path(__file__).resolve().parent.parent


def cut_to_flac(source: Path, start_s: float, end_s: float, out: Path) -> int:
    """Write ``source`` (16-bit mono WAV) from ``start_s`` to ``end_s`` as FLAC; returns the samples."""
    with wave.open(str(source), "rb") as wav:
        if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
            raise SystemExit(f"{source}: expected 16-bit mono WAV")
        rate = wav.getframerate()
        wav.setpos(round(start_s * rate))
        samples = np.frombuffer(wav.readframes(round((end_s - start_s) * rate)), dtype="<i2")
    out.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(out), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return len(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "corpus" / "kyouiku_iinkai.wav")
    parser.add_argument("--start", type=float, default=170.0)
    parser.add_argument("--end", type=float, default=188.0)
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "fixtures" / "kyouiku_170_188.flac")
    args = parser.parse_args()
    count = cut_to_flac(args.source, args.start, args.end, args.out)
    print(f"{args.out}: {count} samples, {args.out.stat().st_size} bytes")


if __name__ == "__main__":
    main()

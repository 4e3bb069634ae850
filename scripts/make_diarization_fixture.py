"""Store the bundled diarizer's window embeddings of degraded corpus meetings as test fixtures.

The speaker-count regression tests (issue 12) need embeddings with the structure real degraded audio
gives GE2E (a voice's windows spread out, all voices pulled together by reverberation and noise),
which isotropic synthetic clusters do not reproduce; the tests must not read ``../shared/``. So this
script degrades a corpus meeting with ``../shared/tools/degrade.py`` (the recipes below), runs the
bundled diarizer's own VAD and embedding steps (``BundledDiarizer.embed``) and writes
``tests/fixtures/diarization/<meeting>.<condition>.windows.npz``: ``emb`` (float16, n × 256),
``starts`` (seconds) and ``speaker`` (the reference speaker covering most of each window, -1 if
none covers 60 % of it).

Rerun (from the repository root; needs sox for degrade.py)::

    .venv/bin/python scripts/make_diarization_fixture.py [--meeting soumu_iinkai]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "tests" / "fixtures" / "diarization"
RECIPES = {  # issue 12's conditions: a moderate room, and a 10 dB far-field recording in Opus
    "moderate": ["--reverb", "50", "--band", "100-7000", "--snr", "18", "--kbps", "48", "--seed", "1"],
    "snr10": ["--reverb", "60", "--band", "150-5000", "--snr", "10", "--kbps", "24", "--seed", "3"],
}
SUFFIX = {"moderate": ".mp3", "snr10": ".webm"}


def reference(rttm: Path) -> list[tuple[float, float, str]]:
    rows = []
    for line in rttm.read_text().splitlines():
        fields = line.split()
        rows.append((float(fields[3]), float(fields[3]) + float(fields[4]), fields[7]))
    return rows


def window_speakers(starts: np.ndarray, window_s: float, ref: list[tuple[float, float, str]]) -> np.ndarray:
    names = sorted({name for _, _, name in ref})
    out = np.full(len(starts), -1, dtype=np.int8)
    for i, start in enumerate(starts):
        cover = np.zeros(len(names))
        for s, e, name in ref:
            cover[names.index(name)] += max(0.0, min(e, start + window_s) - max(s, start))
        if cover.max() >= 0.6 * window_s:
            out[i] = int(np.argmax(cover))
    return out


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from models.audio import decode_audio
    from models.diarization.bundled import BundledDiarizer
    from models.vad import speech_regions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meeting", default="soumu_iinkai")
    args = parser.parse_args()
    diarizer = BundledDiarizer()
    corpus = SHARED / "corpus"
    for condition, recipe in RECIPES.items():
        with tempfile.TemporaryDirectory() as tmp:
            degraded = Path(tmp) / f"degraded{SUFFIX[condition]}"
            subprocess.run(
                [
                    sys.executable,
                    str(SHARED / "tools" / "degrade.py"),
                    str(corpus / f"{args.meeting}.wav"),
                    str(degraded),
                    *recipe,
                ],
                check=True,
            )
            audio = decode_audio(degraded)
        windows = diarizer.embed(audio, speech_regions(audio))
        assert windows is not None
        starts, emb = windows
        speaker = window_speakers(starts, diarizer.config.window_s, reference(corpus / f"{args.meeting}.rttm"))
        path = OUT / f"{args.meeting}.{condition}.windows.npz"
        np.savez_compressed(path, emb=emb.astype(np.float16), starts=starts, speaker=speaker)
        print(f"{path}: {len(emb)} windows, {len(set(speaker.tolist()) - {-1})} speakers")


if __name__ == "__main__":
    main()

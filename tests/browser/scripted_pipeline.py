"""A quick stand-in pipeline for iterating on the pages (GIJIROKU_TEST_PIPELINE_FACTORY=
scripted_pipeline:ScriptedPipeline): the reference script of tests/fixtures/<name>.txt as turns with
per-character words spread over the recording, every seventh word marked low-confidence, and the
upload's real recording-quality estimate (``models.quality``, a fraction of a second).
The real embedded model stays the default for the browser suite."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from models.audio import decode_audio, probe_audio
from models.pipeline import STAGES
from models.quality import estimate_quality
from models.types import MeetingInfo, Minutes, Speaker, Turn, Word

FIXTURES = Path(__file__).parent.parent / "fixtures"


class ScriptedPipeline:
    def run(
        self, audio_path: Path, meeting: MeetingInfo | None = None, progress: Any = None, options: Any = None
    ) -> Minutes:
        duration = probe_audio(Path(audio_path)).duration or 1.0
        for stage in STAGES:
            for fraction in (0.0, 0.5, 1.0):
                if progress:
                    progress(stage, fraction)
                time.sleep(0.1)
        minutes = scripted_minutes(duration, meeting)
        minutes.quality = estimate_quality(decode_audio(Path(audio_path)))
        return minutes


def scripted_minutes(duration: float, meeting: MeetingInfo | None = None) -> Minutes:
    """The fixture script as Minutes (also used to seed meetings without running any pipeline)."""
    if True:
        lines = [ln.split("\t") for ln in (FIXTURES / "ja_meeting.txt").read_text(encoding="utf-8").splitlines() if ln]
        ids = {name: f"SPEAKER_{i:02d}" for i, name in enumerate(dict.fromkeys(n for n, _ in lines))}
        span = duration / len(lines)
        turns, k = [], 0
        for i, (name, text) in enumerate(lines):
            start = i * span
            step = span / len(text)
            words = []
            for j, ch in enumerate(text):
                k += 1
                words.append(Word(start + j * step, start + (j + 1) * step, ch, 0.3 if k % 7 == 0 else 0.95))
            turns.append(Turn(ids[name], start, start + span, text, text.replace("えー、", ""), words))
        return Minutes(
            meeting=meeting or MeetingInfo(),
            speakers=[Speaker(sid, f"話者{i + 1}") for i, sid in enumerate(ids.values())],
            turns=turns,
            duration=duration,
        )

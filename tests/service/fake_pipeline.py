"""A fast stand-in for ``models.pipeline.Pipeline`` (selected with GIJIROKU_PIPELINE_FACTORY).

It still opens the real uploaded file and reports every stage, so the service's job handling is
exercised for real; only the models are skipped. Titles trigger failure modes:
``FAIL`` → GijirokuError, ``CRASH`` → an unexpected exception. ``GIJIROKU_FAKE_DELAY`` (seconds)
slows each stage down for crash/cancel tests.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from models.audio import probe_audio
from models.errors import GijirokuError
from models.types import MeetingInfo, Minutes, Speaker, Turn

STAGES = ("decode", "diarize", "transcribe", "attribute", "draft")
TEXT = "本日の委員会を開会します。"


class FakePipeline:
    instances = 0

    def __init__(self, settings: Any) -> None:
        FakePipeline.instances += 1

    def run(self, audio_path: Path, meeting: MeetingInfo | None = None, progress: Any = None, **overrides: Any) -> Minutes:
        probe = probe_audio(Path(audio_path))
        delay = float(os.environ.get("GIJIROKU_FAKE_DELAY", "0"))
        for stage in STAGES:
            for fraction in (0.0, 0.5, 1.0):
                if progress:
                    progress(stage, fraction)
                time.sleep(delay / 15)
        meeting = meeting or MeetingInfo()
        if meeting.title == "FAIL":
            raise GijirokuError("silence", "音声が無音です。", "The recording is silent.", status=422)
        if meeting.title == "CRASH":
            raise RuntimeError("boom: internal detail that must not reach the user")
        duration = probe.duration or 1.0
        vocabulary = overrides.get("vocabulary")
        text = vocabulary.apply(TEXT) if vocabulary else TEXT
        return Minutes(
            meeting=meeting,
            speakers=[Speaker("SPEAKER_00", "話者1")],
            turns=[Turn("SPEAKER_00", 0.0, duration, text, text)],
            duration=duration,
            warnings=[f"overrides={sorted(overrides)}"],
        )


def factory(settings: Any) -> FakePipeline:
    return FakePipeline(settings)

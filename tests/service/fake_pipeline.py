"""A fast stand-in for ``models.pipeline.Pipeline``, passed by constructor:
``create_app(settings, pipeline_factory=FakePipeline)`` (the ``pipeline`` fixture does this).

It still opens the real uploaded file and reports every stage, so the service's job handling is
exercised for real; only the models are skipped. Titles trigger failure modes:
``FAIL`` → GijirokuError, ``CRASH`` → an unexpected exception. ``delay`` (seconds over the whole
run) slows the stages down for crash/cancel tests; a subprocess's fake reads it from
``GIJIROKU_FAKE_DELAY`` (``from_env``). ``received`` holds each run's ``RunOptions``; ``ended``
counts runs that left ``run``, however they left.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from models.audio import probe_audio
from models.errors import GijirokuError
from models.pipeline import STAGES, Progress, RunOptions
from models.types import MeetingInfo, Minutes, Speaker, Turn

TEXT = "本日の委員会を開会します。"


class FakePipeline:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: list[RunOptions] = []
        self.ended = 0
        self._ended = threading.Condition()

    @classmethod
    def from_env(cls) -> FakePipeline:
        return cls(delay=float(os.environ.get("GIJIROKU_FAKE_DELAY", "0")))

    def wait_ended(self, runs: int = 1, timeout: float = 30) -> bool:
        """Until ``runs`` runs have left ``run`` (returned or raised); False on timeout."""
        with self._ended:
            return self._ended.wait_for(lambda: self.ended >= runs, timeout)

    def run(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        options: RunOptions | None = None,
    ) -> Minutes:
        self.received.append(options or RunOptions())
        try:
            return self._run(audio_path, meeting or MeetingInfo(), progress, self.received[-1])
        finally:
            with self._ended:
                self.ended += 1
                self._ended.notify_all()

    def _run(self, audio_path: Path, meeting: MeetingInfo, progress: Progress | None, options: RunOptions) -> Minutes:
        probe = probe_audio(Path(audio_path))
        for stage in STAGES:
            for fraction in (0.0, 0.5, 1.0):
                if progress:
                    progress(stage, fraction)
                time.sleep(self.delay / 15)
        if meeting.title == "FAIL":
            raise GijirokuError("silence", "音声が無音です。", "The recording is silent.", status=422)
        if meeting.title == "CRASH":
            raise RuntimeError("boom: internal detail that must not reach the user")
        duration = probe.duration or 1.0
        text = options.vocabulary.apply(TEXT) if options.vocabulary else TEXT
        return Minutes(
            meeting=meeting,
            speakers=[Speaker("SPEAKER_00", "話者1")],
            turns=[Turn("SPEAKER_00", 0.0, duration, text, text)],
            duration=duration,
        )

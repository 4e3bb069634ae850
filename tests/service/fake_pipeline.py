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

import functools
import os
import threading
import time
from pathlib import Path

from models.audio import decode_audio, probe_audio
from models.diarization.ge2e import SpeakerEncoder
from models.errors import GijirokuError
from models.pipeline import STAGES, Progress, RunOptions
from models.types import MeetingInfo, Minutes, Speaker, SpeakerSegment, Turn
from models.voices.identify import identify_speakers
from models.voices.matching import VoiceMatch

TEXT = "本日の委員会を開会します。"


@functools.cache
def _encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


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
        matches = self._voices(audio_path, duration, meeting, options)
        return Minutes(
            meeting=meeting,
            speakers=[Speaker("SPEAKER_00", matches[0].label if matches else "話者1")],
            turns=[Turn("SPEAKER_00", 0.0, duration, text, text)],
            duration=duration,
            voice_matches=matches,
        )

    def _voices(self, audio_path: Path, duration: float, meeting: MeetingInfo, options: RunOptions) -> list[VoiceMatch]:
        """The real pipeline's voice hook on the fake's one speaker (the whole recording)."""
        if not (options.voices and options.voices.people):
            return []
        segments = [SpeakerSegment(0.0, duration, "SPEAKER_00")]
        return identify_speakers(self.voice_encoder, decode_audio(audio_path), segments, options.voices, meeting)

    @property
    def voice_encoder(self) -> SpeakerEncoder:
        """The real GE2E encoder (voiceprints cannot be faked meaningfully), loaded once per session."""
        return _encoder()

"""One ``Pipeline`` shared by worker threads (issue 10 row 6): each model loads once, two jobs run at
the same time, and each gets its own stage timings back instead of a field both overwrite."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

import models.asr_model
import models.diarization
import models.pipeline
from models.pipeline import STAGES, Pipeline, PipelineOptions, RunOptions
from models.transcription import ClipWords
from models.types import NO_HINT, SpeakerCountHint, SpeakerSegment, Word

AUDIO = Path(__file__).parents[1] / "fixtures" / "ja_short.wav"


class ThreadClock:
    """``time.perf_counter`` per thread, moved only by the fakes: stage timings become exact."""

    def __init__(self) -> None:
        self._local = threading.local()

    def perf_counter(self) -> float:
        return getattr(self._local, "now", 0.0)

    def advance(self, seconds: float) -> None:
        self._local.now = self.perf_counter() + seconds


class Users:
    """Counts calls in flight, to show that two runs really used one model at the same time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = self.most = self.calls = 0

    def __enter__(self) -> None:
        with self._lock:
            self.now += 1
            self.calls += 1
            self.most = max(self.most, self.now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.now -= 1


class FakeDiarizer:
    """One speaker; both runs must be inside ``diarize`` together (barrier), so they overlap. It
    "takes" ``speakers.num`` seconds of the thread's clock, so each run's timing is known."""

    def __init__(self, clock: ThreadClock) -> None:
        self.clock, self.users = clock, Users()
        self.together = threading.Barrier(2, timeout=30)

    def diarize(self, audio, *, speakers=NO_HINT, progress=None):
        with self.users:
            self.together.wait()
            self.clock.advance(speakers.num or 0)
        return [SpeakerSegment(0.3, 3.8, "SPEAKER_00")]


class FakeWhisper:
    def __init__(self, clock: ThreadClock) -> None:
        self.clock, self.users = clock, Users()


class FakeTranscriber:
    """Stands in for ``models.transcription.Transcriber`` around the fake model: 10 s per call."""

    def __init__(self, model: FakeWhisper, options) -> None:
        self.model = model

    def transcribe(self, audio, clips, progress=None, language=None, **_options):
        with self.model.users:
            self.model.clock.advance(10.0)
        return [ClipWords(c, _heard_whole(c.start, c.end)) for c in clips], "ja"


def _heard_whole(start: float, end: float) -> list[Word]:
    """A word every 0.5 s over the clip (one word stretched over it would leave gaps to retry)."""
    count = max(1, round((end - start) / 0.5))
    step = (end - start) / count
    return [Word(start + i * step, start + (i + 1) * step, "開会", 0.9) for i in range(count)]


@pytest.fixture
def clock(monkeypatch) -> ThreadClock:
    clock = ThreadClock()
    monkeypatch.setattr(models.pipeline, "time", SimpleNamespace(perf_counter=clock.perf_counter))
    monkeypatch.setattr(models.pipeline, "Transcriber", FakeTranscriber)
    return clock


def _together(*calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result(timeout=60) for f in futures]


def test_two_jobs_starting_together_load_each_model_once(clock, monkeypatch) -> None:
    whisper, diarizer = FakeWhisper(clock), FakeDiarizer(clock)
    loads = {"whisper": 0, "diarizer": 0}

    def load_whisper(*args, **kwargs):
        loads["whisper"] += 1
        time.sleep(0.2)  # a real load takes seconds; the other job asks meanwhile
        return whisper

    def load_diarizer(*args, **kwargs):
        loads["diarizer"] += 1
        time.sleep(0.2)
        return diarizer

    monkeypatch.setattr(models.asr_model, "load_whisper", load_whisper)
    monkeypatch.setattr(models.diarization, "load_diarizer", load_diarizer)
    pipeline = Pipeline(PipelineOptions(diarizer="bundled", device="cpu"))
    results = _together(lambda: pipeline.run(AUDIO), lambda: pipeline.run(AUDIO))
    assert loads == {"whisper": 1, "diarizer": 1}
    assert all(m.turns and m.turns[0].text for m in results)
    assert diarizer.users.most == 2  # the jobs ran at the same time, not one after the other


def test_concurrent_runs_on_injected_models_return_their_own_stage_timings(clock, monkeypatch) -> None:
    def never(*args, **kwargs):
        raise AssertionError("an injected model must not be loaded")

    monkeypatch.setattr(models.asr_model, "load_whisper", never)
    monkeypatch.setattr(models.diarization, "load_diarizer", never)
    whisper, diarizer = FakeWhisper(clock), FakeDiarizer(clock)
    pipeline = Pipeline(PipelineOptions(), whisper=whisper, diarizer=diarizer)
    one, three = _together(
        lambda: pipeline.run_timed(AUDIO, options=RunOptions(speakers=SpeakerCountHint(num=1))),
        lambda: pipeline.run_timed(AUDIO, options=RunOptions(speakers=SpeakerCountHint(num=3))),
    )
    for run, diarize_s in ((one, 1.0), (three, 3.0)):
        assert set(run.stage_seconds) == set(STAGES)
        assert run.stage_seconds["diarize"] == diarize_s
        assert run.stage_seconds["transcribe"] == 10.0  # one first pass; every turn got a word, no retry
        assert run.minutes.turns[0].text
    assert diarizer.users.most == 2 and whisper.users.calls == 2
    assert not hasattr(pipeline, "timer")  # nothing of a run is kept on the shared object

"""The pipeline of one process, as speaches keeps its models: built once under a lock, shared by
every job, and dropped after a stretch without jobs when the operator asks for that.

Whisper and the speaker encoder take seconds and hundreds of MB (GBs on a GPU) to load, so a worker
keeps them between jobs. ``GIJIROKU_MODEL_IDLE_UNLOAD_MINUTES`` gives that memory back on machines
that run other things between meetings; the next job loads the models again. The manager lives on
``AppContext``: the API process owns one for its worker threads, each Celery worker process its own.
Tests hand a fake ``factory`` to the constructor.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from models.diarization.ge2e import SpeakerEncoder
from models.pipeline import Progress, RunOptions
from models.types import MeetingInfo, Minutes

log = logging.getLogger(__name__)


class PipelineLike(Protocol):
    """What a job needs of ``models.pipeline.Pipeline`` (tests' fakes implement just this)."""

    def run(
        self,
        audio_path: Path,
        meeting: MeetingInfo | None = None,
        progress: Progress | None = None,
        options: RunOptions | None = None,
    ) -> Minutes: ...

    @property
    def voice_encoder(self) -> SpeakerEncoder:
        """The encoder voiceprints are made with (enrolment, issue 13)."""
        ...


class ModelManager:
    """``factory`` builds the pipeline on first use; ``idle_unload_s`` > 0 drops it that long after
    the last job ended (0: kept for the life of the process). ``injected``: the factory is not the
    settings' real pipeline (tests), so there are no model files to check."""

    def __init__(
        self, factory: Callable[[], PipelineLike], idle_unload_s: float = 0.0, *, injected: bool = False
    ) -> None:
        self.factory = factory
        self.idle_unload_s = idle_unload_s
        self.injected = injected
        self._lock = threading.Lock()
        self._pipeline: PipelineLike | None = None
        self._users = 0
        self._idle_timer: threading.Timer | None = None
        self._idle_generation = 0  # which timer is the current one

    @property
    def loaded(self) -> bool:
        return self._pipeline is not None

    @contextmanager
    def pipeline(self) -> Iterator[PipelineLike]:
        """The shared pipeline for one job; it is not unloaded while any job holds it."""
        with self._lock:
            self._cancel_idle_timer()
            if self._pipeline is None:
                log.info("loading the pipeline")
                self._pipeline = self.factory()
            self._users += 1
            pipeline = self._pipeline
        try:
            yield pipeline
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0 and self.idle_unload_s > 0:
                    self._start_idle_timer()

    def unload(self) -> bool:
        """Drop the pipeline unless a job holds it; True when something was unloaded."""
        with self._lock:
            dropped = self._drop()
        if dropped:
            self._collect("pipeline unloaded")
        return dropped

    def _drop(self) -> bool:
        """(lock held) Forget the pipeline unless a job holds it."""
        self._cancel_idle_timer()
        if self._pipeline is None or self._users:
            return False
        self._pipeline = None
        return True

    def _collect(self, why: str) -> None:
        gc.collect()  # CTranslate2 and numpy buffers go back now, not at some later collection
        log.info(why)

    def _start_idle_timer(self) -> None:
        self._idle_generation += 1
        generation = self._idle_generation
        timer = threading.Timer(self.idle_unload_s, self._unload_if_still_idle, args=(generation,))
        timer.daemon = True
        timer.name = "gijiroku-model-idle"
        self._idle_timer = timer
        timer.start()

    def _cancel_idle_timer(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        self._idle_generation += 1

    def _unload_if_still_idle(self, generation: int) -> None:
        with self._lock:  # a job that started, or ended again, since this timer was set wins
            dropped = generation == self._idle_generation and self._drop()
        if dropped:
            self._collect(f"pipeline unloaded after {self.idle_unload_s:.0f} s without a job")

"""The model manager on ``AppContext``: one pipeline per process, built once however many jobs
start together, kept while any job holds it, unloaded after the configured idle time, and
replaceable by a fake passed to the constructor (no import strings, no module globals)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from fake_pipeline import FakePipeline
from fastapi.testclient import TestClient
from svc_helpers import bearer, make_settings, seed_users, upload, wait_job

import service.model_manager
from models.pipeline import Pipeline
from service.app import create_app
from service.context import AppContext
from service.jobs.celery_app import make_worker
from service.model_manager import ModelManager


class Counting:
    """A factory that counts the pipelines it built; each build takes ``seconds`` (a model load)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds, self.built = seconds, 0
        self._lock = threading.Lock()

    def __call__(self) -> FakePipeline:
        with self._lock:
            self.built += 1
        time.sleep(self.seconds)
        return FakePipeline()


class ManualTimer:
    """Stands in for ``threading.Timer``: the test decides when (and which) timer fires."""

    made: ClassVar[list[ManualTimer]] = []

    def __init__(self, interval: float, function: Callable[..., None], args: tuple = ()) -> None:
        self.interval, self.function, self.args = interval, function, args
        self.cancelled = False
        ManualTimer.made.append(self)

    def start(self) -> None:
        pass

    def cancel(self) -> None:
        self.cancelled = True

    def fire(self) -> None:  # even when cancelled: a real timer may already be running its function
        self.function(*self.args)


@pytest.fixture
def timers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ManualTimer]]:
    ManualTimer.made = []
    monkeypatch.setattr(service.model_manager.threading, "Timer", ManualTimer)
    yield ManualTimer.made


def test_jobs_starting_together_build_one_pipeline_and_share_it() -> None:
    factory = Counting(seconds=0.2)
    manager = ModelManager(factory)
    together = threading.Barrier(8, timeout=10)
    got: list[object] = []

    def job() -> None:
        together.wait()
        with manager.pipeline() as pipeline:
            got.append(pipeline)

    threads = [threading.Thread(target=job) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert factory.built == 1 and len(got) == 8 and len({id(p) for p in got}) == 1
    with manager.pipeline() as again:
        assert again is got[0] and factory.built == 1


def test_idle_pipeline_is_unloaded_after_the_idle_time_and_loaded_again_on_the_next_job(timers) -> None:
    factory = Counting()
    manager = ModelManager(factory, idle_unload_s=90)
    with manager.pipeline() as first:
        assert timers == []  # no countdown while a job holds it
    [timer] = timers
    assert timer.interval == 90 and manager.loaded
    timer.fire()
    assert not manager.loaded
    with manager.pipeline() as second:
        assert second is not first and factory.built == 2


def test_a_job_that_started_since_keeps_the_pipeline_from_an_old_timer(timers) -> None:
    manager = ModelManager(Counting(), idle_unload_s=60)
    with manager.pipeline():
        pass
    with manager.pipeline():
        timers[0].fire()  # the first countdown fires late, while a job holds the pipeline
        assert manager.loaded
    timers[0].fire()  # ... or after that job ended and a new countdown began
    assert manager.loaded and timers[0].cancelled
    timers[1].fire()
    assert not manager.loaded


def test_zero_idle_minutes_keeps_the_pipeline(timers) -> None:
    manager = ModelManager(Counting(), idle_unload_s=0)
    with manager.pipeline():
        pass
    assert timers == [] and manager.loaded


def test_unload_refuses_while_a_job_holds_the_pipeline() -> None:
    manager = ModelManager(Counting())
    with manager.pipeline():
        assert manager.unload() is False and manager.loaded
    assert manager.unload() is True and not manager.loaded


def test_idle_unload_with_a_real_timer() -> None:
    manager = ModelManager(Counting(), idle_unload_s=0.05)
    with manager.pipeline():
        pass
    deadline = time.monotonic() + 10
    while manager.loaded:
        assert time.monotonic() < deadline, "not unloaded"
        time.sleep(0.01)


def test_the_context_builds_the_real_pipeline_from_settings_unless_given_a_factory(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", model_idle_unload_minutes=1.5, beam_size=3)
    real = AppContext.from_settings(settings)
    assert real.models.idle_unload_s == 90 and not real.models.injected
    with real.models.pipeline() as pipeline:  # cheap: the models load on first use, not here
        assert isinstance(pipeline, Pipeline) and pipeline.options.beam_size == 3
    fake = FakePipeline()
    injected = AppContext.from_settings(settings, pipeline_factory=lambda: fake)
    with injected.models.pipeline() as pipeline:
        assert pipeline is fake and injected.models.injected
    real.engine.dispose()
    injected.engine.dispose()


def test_the_app_runs_jobs_on_the_pipeline_passed_to_it(tmp_path: Path) -> None:
    factory = Counting()
    app = create_app(make_settings(tmp_path / "data", worker_concurrency=2), pipeline_factory=factory)
    with TestClient(app) as client:
        seed_users(app)
        h = bearer(client, "clerk_a")
        jobs = [upload(client, h).json()["job"]["id"] for _ in range(3)]
        assert all(wait_job(client, h, job)["status"] == "done" for job in jobs)
        assert client.get("/healthz").json()["model"]["detail"].startswith("pipeline supplied by the caller")
    assert factory.built == 1
    assert not app.state.ctx.models.loaded  # shutting the app down unloads it


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_celery_worker_builds_its_own_manager_once_for_all_its_tasks(tmp_path: Path) -> None:
    """The worker's task, called in this process: the API node queues (broker away, so the jobs
    stay queued), the worker app built by ``make_worker`` runs them on one pipeline."""
    settings = make_settings(tmp_path / "data", queue="celery", broker_url=f"redis://127.0.0.1:{_closed_port()}/0")
    app = create_app(settings)
    factory = Counting()
    worker = make_worker(settings, pipeline_factory=factory)
    with TestClient(app) as client:
        seed_users(app)
        h = bearer(client, "clerk_a")
        jobs = [upload(client, h).json()["job"]["id"] for _ in range(2)]
        for job in jobs:
            worker.tasks["gijiroku.run_job"](job)
        assert [client.get(f"/api/jobs/{job}", headers=h).json()["status"] for job in jobs] == ["done", "done"]
    assert factory.built == 1

"""Scale-out recovery (issue 16): jobs whose message is lost still run, within the configured bound.

Lost messages, for real: Redis flushed under queued jobs, an upload while the broker is stopped, a
worker killed with SIGKILL mid-job. The API runs in this process with small recovery settings;
workers are ``celery worker`` subprocesses on a Redis database of their own (14), so nothing else
on the local Redis is touched. Tests without the ``services`` marker need neither PostgreSQL nor
Redis (the broker is a closed port).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from svc_helpers import HERE, bearer, make_settings, seed_users, upload, wait_job
from test_scale_out import pg_url  # noqa: F401 (fixture: a fresh PostgreSQL database)

from service.app import create_app
from service.config import Settings
from service.db.base import utcnow
from service.db.models import Job, JobStatus
from service.maintenance import recover

ROOT = HERE.parent.parent
BROKER_DB = 14
RECOVERY = {"recovery_interval_seconds": 1, "queued_resend_minutes": 0.05, "job_stale_minutes": 0.1}  # 1 s, 3 s, 6 s
SLACK_S = 10  # a free worker running the fake pipeline, and polling, on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time_left(settings: Settings, lost_at: float, limit_minutes: float, worker_ready_at: float) -> float:
    """Seconds left of the documented bound: the job is sent again within the limit plus one
    recovery interval after it was lost, then runs as soon as a worker is free."""
    sent_by = lost_at + limit_minutes * 60 + settings.recovery_interval_seconds
    return max(sent_by, worker_ready_at) + SLACK_S - time.monotonic()


@pytest.fixture
def redis_db() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, db=BROKER_DB, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        proc.kill()
        proc.wait(10)


def _worker_env(settings: Settings, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "GIJIROKU_DATA_DIR": str(settings.data_dir),
        "GIJIROKU_DATABASE_URL": settings.database_url or "",
        "GIJIROKU_QUEUE": "celery",
        "GIJIROKU_BROKER_URL": settings.broker_url,
        "GIJIROKU_CELERY_QUEUE": settings.celery_queue,
        "GIJIROKU_JOB_STALE_MINUTES": str(settings.job_stale_minutes),
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
        **extra,
    }


def _start_worker(processes: list[subprocess.Popen], log: Path, env: dict[str, str], name: str) -> subprocess.Popen:
    """A solo-pool worker as docs/scale-out.md runs it, on the fake pipeline (``fake_worker``);
    returns once it consumes."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "fake_worker",
            "worker",
            "--pool",
            "solo",
            "-l",
            "INFO",
            "-n",
            f"{name}@%h",
            "-Q",
            env["GIJIROKU_CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    processes.append(proc)
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return proc


def _celery_settings(tmp_path: Path, database_url: str | None, broker_url: str, **overrides: Any) -> Settings:
    return make_settings(
        tmp_path / "shared",
        database_url=database_url,
        queue="celery",
        broker_url=broker_url,
        celery_queue=f"gijiroku_test_{uuid.uuid4().hex[:8]}",
        **{**RECOVERY, **overrides},
    )


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def api() -> Iterator[Callable[[Settings], TestClient]]:
    """Start the API (lifespan, maintenance loop) for the given settings; closed at teardown."""
    with contextlib.ExitStack() as stack:

        def start(settings: Settings) -> TestClient:
            app = create_app(settings)
            stack.callback(app.state.ctx.engine.dispose)
            client = stack.enter_context(TestClient(app))
            seed_users(app)
            return client

        yield start


def test_upload_with_broker_unreachable_answers_201(tmp_path, api):
    settings = _celery_settings(tmp_path, None, f"redis://127.0.0.1:{_free_port()}/0")
    client = api(settings)
    h = bearer(client, "clerk_a")
    started = time.monotonic()
    r = upload(client, h, title="ブローカー停止中")
    assert r.status_code == 201, r.text
    assert time.monotonic() - started < 10  # the send gives up quickly instead of holding the upload
    job = client.get(f"/api/jobs/{r.json()['job']['id']}", headers=h).json()
    assert job["status"] == "queued" and job["attempts"] == 0
    assert client.post(f"/api/jobs/{job['id']}/cancel", headers=h).status_code == 200
    assert client.post(f"/api/jobs/{job['id']}/retry", headers=h).status_code == 200  # enqueues again: no 500 either


def test_healthz_on_api_node_needs_neither_model_nor_broker(tmp_path, api):
    """An API-only node has no model and must stay in the load balancer while Redis is away."""
    settings = _celery_settings(
        tmp_path, None, f"redis://127.0.0.1:{_free_port()}/0", model_cache_dir=tmp_path / "no-model"
    )
    r = api(settings).get("/healthz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "degraded" and body["database"]["ok"] and body["model"]["ok"]
    assert not body["queue"]["ok"] and "unreachable" in body["queue"]["detail"]


class RecordingQueue:
    local = False

    def __init__(self) -> None:
        self.sent: list[int] = []

    def enqueue(self, job_id: int) -> bool:
        self.sent.append(job_id)
        return True


def test_recovery_sweep_sends_exactly_the_jobs_whose_message_may_be_lost(tmp_path, api, monkeypatch):
    settings = _celery_settings(tmp_path, None, f"redis://127.0.0.1:{_free_port()}/0", recovery_interval_seconds=3600)
    client = api(settings)
    h = bearer(client, "clerk_a")
    ids = [upload(client, h, title=f"第{i}回").json()["job"]["id"] for i in range(4)]
    fresh_queued, old_queued, dead, alive = ids
    now = utcnow()
    long_ago = now - dt.timedelta(hours=1)
    ctx = client.app.state.ctx
    with ctx.sessions() as db:
        db.execute(update(Job).where(Job.id == old_queued).values(created_at=long_ago))
        db.execute(
            update(Job).where(Job.id == dead).values(status=JobStatus.running, attempts=1, heartbeat_at=long_ago)
        )
        db.execute(update(Job).where(Job.id == alive).values(status=JobStatus.running, attempts=1, heartbeat_at=now))
        db.commit()
    monkeypatch.setattr(ctx, "queue", RecordingQueue())  # undone before the app shuts down
    assert recover(ctx) == [old_queued, dead]
    assert recover(ctx) == []  # sent just now: not again before queued_resend_minutes
    statuses = {i: client.get(f"/api/jobs/{i}", headers=h).json()["status"] for i in ids}
    assert statuses == {fresh_queued: "queued", old_queued: "queued", dead: "queued", alive: "running"}


@pytest.mark.services
@pytest.mark.timeout(180)
def test_queued_jobs_finish_after_broker_flush(tmp_path, pg_url, redis_db, api, processes):  # noqa: F811
    broker = f"redis://127.0.0.1:6379/{BROKER_DB}"
    settings = _celery_settings(tmp_path, pg_url, broker)
    client = api(settings)
    h = bearer(client, "clerk_a")
    ids = [upload(client, h, title=f"第{i}回").json()["job"]["id"] for i in range(1, 4)]
    assert redis_db.llen(settings.celery_queue) >= len(ids)  # sent: no worker runs yet
    redis_db.flushdb()  # the broker loses every message
    flushed = time.monotonic()
    _start_worker(processes, tmp_path / "worker.log", _worker_env(settings), "worker1")
    ready = time.monotonic()
    jobs = [
        wait_job(client, h, i, timeout=_time_left(settings, flushed, settings.queued_resend_minutes, ready))
        for i in ids
    ]
    assert [j["status"] for j in jobs] == ["done"] * len(ids), jobs
    assert [j["attempts"] for j in jobs] == [1] * len(ids)  # re-sent messages were duplicates at most


@pytest.mark.services
@pytest.mark.timeout(180)
def test_upload_with_broker_stopped_is_sent_when_it_returns(tmp_path, pg_url, api, processes):  # noqa: F811
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    settings = _celery_settings(tmp_path, pg_url, f"redis://127.0.0.1:{port}/0")
    client = api(settings)
    h = bearer(client, "clerk_a")
    r = upload(client, h, title="ブローカー停止中")
    assert r.status_code == 201, r.text
    job_id = r.json()["job"]["id"]
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    processes.append(redis)
    back = time.monotonic()
    _start_worker(processes, tmp_path / "worker.log", _worker_env(settings), "worker1")
    ready = time.monotonic()
    job = wait_job(client, h, job_id, timeout=_time_left(settings, back, settings.queued_resend_minutes, ready))
    assert job["status"] == "done" and job["attempts"] == 1, job
    t = client.get(f"/api/meetings/{r.json()['meeting']['id']}/transcript", headers=h).json()
    assert t["revision"] == 1


@pytest.mark.services
@pytest.mark.timeout(180)
def test_killed_worker_job_comes_back_within_the_bound(tmp_path, pg_url, redis_db, api, processes):  # noqa: F811
    settings = _celery_settings(tmp_path, pg_url, f"redis://127.0.0.1:6379/{BROKER_DB}")
    client = api(settings)
    h = bearer(client, "clerk_a")
    slow = _start_worker(processes, tmp_path / "slow.log", _worker_env(settings, GIJIROKU_FAKE_DELAY="30"), "slow")
    r = upload(client, h, title="定例会")
    job_id = r.json()["job"]["id"]
    _wait(lambda: client.get(f"/api/jobs/{job_id}", headers=h).json()["status"] == "running", 30, "job never started")
    slow.send_signal(signal.SIGKILL)  # no ack, no reject: the message stays in Redis's unacked set
    slow.wait(10)
    killed = time.monotonic()  # its last heartbeat was earlier still
    _start_worker(processes, tmp_path / "fresh.log", _worker_env(settings), "fresh")
    ready = time.monotonic()
    job = wait_job(client, h, job_id, timeout=_time_left(settings, killed, settings.job_stale_minutes, ready))
    assert job["status"] == "done" and job["attempts"] == 2, job
    assert f"job {job_id} done" in (tmp_path / "fresh.log").read_text()


class StartableRecordingQueue(RecordingQueue):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def test_api_start_sends_a_dead_workers_job_once(tmp_path, api, monkeypatch):
    """At start-up in Celery mode the recovery sweep alone re-sends an orphan; the start-up code
    used to send it too, so every restart of an API node ran the job's message twice."""
    settings = _celery_settings(tmp_path, None, f"redis://127.0.0.1:{_free_port()}/0", recovery_interval_seconds=3600)
    client = api(settings)
    h = bearer(client, "clerk_a")
    dead = upload(client, h, title="停止した作業").json()["job"]["id"]
    with client.app.state.ctx.sessions() as db:
        long_ago = utcnow() - dt.timedelta(hours=1)
        db.execute(
            update(Job).where(Job.id == dead).values(status=JobStatus.running, attempts=1, heartbeat_at=long_ago)
        )
        db.commit()
    queue = StartableRecordingQueue()
    monkeypatch.setattr("service.app.make_queue", lambda ctx: queue)
    app = create_app(settings)  # a second API node (or the same one restarted) on the same database
    with TestClient(app) as restarted:
        _wait(lambda: dead in queue.sent, 10, "the orphan is sent again")
        time.sleep(1.0)  # the start-up code and the sweep have both run by now
        assert queue.sent.count(dead) == 1
        assert restarted.get(f"/api/jobs/{dead}", headers=bearer(restarted, "clerk_a")).json()["status"] == "queued"
    app.state.ctx.engine.dispose()

"""Scale-out for real: API (this process) + a Celery worker subprocess (solo pool) + Redis +
a fresh PostgreSQL database, sharing a data directory as GPU workers share storage."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from svc_helpers import HERE, bearer, make_settings, seed_users, upload, wait_job

from service.app import create_app

pytestmark = pytest.mark.services
ROOT = HERE.parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BROKER = "redis://127.0.0.1:6379/0"


@pytest.fixture
def pg_url() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    name = f"gijiroku_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def test_celery_worker_runs_jobs_from_the_api(tmp_path, pg_url):
    if not _redis_up():
        pytest.skip("Redis not reachable")
    queue_name = f"gijiroku_test_{uuid.uuid4().hex[:8]}"
    overrides = {"database_url": pg_url, "queue": "celery", "broker_url": BROKER, "celery_queue": queue_name}
    settings = make_settings(tmp_path / "shared", **overrides)
    env = {
        **os.environ,
        "GIJIROKU_DATA_DIR": str(settings.data_dir),
        "GIJIROKU_DATABASE_URL": pg_url,
        "GIJIROKU_QUEUE": "celery",
        "GIJIROKU_BROKER_URL": BROKER,
        "GIJIROKU_CELERY_QUEUE": queue_name,
        "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
    }
    app = create_app(settings)  # an API node: jobs run in the worker, on its fake pipeline
    with TestClient(app) as client:  # the API node migrates PostgreSQL on start-up
        seed_users(app)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "fake_worker",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            h = bearer(client, "clerk_a")
            health = client.get("/healthz").json()
            assert health["database"]["detail"] == "postgresql" and health["queue"]["ok"], health
            first = upload(client, h, title="第1回").json()
            second = upload(client, h, title="FAIL").json()
            assert wait_job(client, h, first["job"]["id"], timeout=90)["status"] == "done"
            failed = wait_job(client, h, second["job"]["id"], timeout=30)
            assert failed["status"] == "failed" and "無音" in failed["error"]
            t = client.get(f"/api/meetings/{first['meeting']['id']}/transcript", headers=h).json()
            assert t["revision"] == 1 and t["minutes"]["meeting"]["title"] == "第1回"
        finally:
            worker.terminate()
            try:
                out, _ = worker.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                out, _ = worker.communicate()
        assert "gijiroku.run_job" in out
    app.state.ctx.engine.dispose()

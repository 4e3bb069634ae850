"""docs/scale-out.md, followed literally: the commands of its marked blocks (``<!-- scale-out-test:
NAME -->`` before a fenced block) run as written against the local PostgreSQL and Redis, so the
test breaks when the page drifts from what works.

Only what names the operator's machines is replaced: host names, the role, database and password,
the data directory and the Redis database (13, this test's own); ``0.0.0.0`` binds to loopback.
Workers run ``fake_worker`` (the real worker with the fast fake pipeline) instead of
``service.jobs.celery_app``; the API node gets an empty model cache, as it has no model.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from svc_helpers import HERE, make_wav

ROOT = HERE.parent.parent
DOC = ROOT / "docs" / "scale-out.md"
BLOCK = re.compile(r"<!-- scale-out-test: (\w+) -->\n```\w*\n(.*?)\n```", re.S)
REDIS_DB = 13
ADMIN = ("admin", "admin-password-1")


def blocks() -> dict[str, str]:
    return dict(BLOCK.findall(DOC.read_text(encoding="utf-8")))


def test_doc_has_the_blocks_an_operator_needs():
    """No services needed: the page keeps the steps the issue found missing."""
    b = blocks()
    assert set(b) == {"database", "environment", "api", "workers"}
    assert "CREATE ROLE" in b["database"] and "CREATE DATABASE" in b["database"]
    workers = [line for line in b["workers"].splitlines() if " worker " in line]
    assert len(workers) >= 2
    for i, line in enumerate(workers):
        assert line.startswith(f"CUDA_VISIBLE_DEVICES={i} ") and ".venv/bin/celery " in line
        assert " -l INFO" in line and f" -n worker{i + 1}@%h" in line
        assert " -A service.jobs.celery_app " in line  # Site.command swaps in the fake pipeline's worker
    assert all(line.startswith(".venv/bin/") for line in b["api"].splitlines())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """The operator's names → this test's."""

    def __init__(self, tmp_path: Path) -> None:
        self.name = f"gijiroku_doc_{uuid.uuid4().hex[:8]}"
        self.password = uuid.uuid4().hex
        self.data_dir = tmp_path / "srv"
        self.bin = f"{Path(sys.executable).parent}/"  # the same venv, wherever the suite runs from

    def sql(self, text: str) -> str:
        text = text.replace("sudo -u postgres psql", "psql -h 127.0.0.1 -U postgres")
        return re.sub(r"\bgijiroku\b", self.name, text.replace("change-me", self.password))

    def environment(self, text: str) -> dict[str, str]:
        env = {}
        for line in text.splitlines():
            key, _, value = line.partition("=")
            if key.startswith("GIJIROKU_"):
                value = value.replace("db-host", "127.0.0.1").replace("redis-host", "127.0.0.1")
                value = value.replace("/srv/gijiroku", str(self.data_dir)).replace("change-me", self.password)
                if key == "GIJIROKU_DATABASE_URL":
                    value = re.sub(r"\bgijiroku\b", self.name, value)
                env[key] = re.sub(r"(redis://[^/]+)/\d+$", rf"\1/{REDIS_DB}", value)
        return env

    def command(self, line: str) -> str:
        line = line.replace(".venv/bin/", self.bin).replace("--host 0.0.0.0", "--host 127.0.0.1")
        return line.replace("-A service.jobs.celery_app ", "-A fake_worker ")  # the fake pipeline


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    psycopg = pytest.importorskip("psycopg")
    redis = pytest.importorskip("redis")
    try:
        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
        broker = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=2)
        broker.ping()
    except (psycopg.OperationalError, redis.RedisError) as exc:
        pytest.skip(f"PostgreSQL or Redis not reachable: {exc}")
    broker.flushdb()
    s = Site(tmp_path)
    yield s
    broker.flushdb()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{s.name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{s.name}"')


def _run(cmd: str, env: dict[str, str], log: Path | None = None) -> subprocess.Popen | None:
    """A foreground command must succeed; a long-running one (``log`` given) keeps running."""
    if log is None:
        proc = subprocess.run(["bash", "-c", cmd], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
        return None
    return subprocess.Popen(
        ["bash", "-c", cmd], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_for(what: str, check: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.mark.services
@pytest.mark.timeout(240)
def test_scale_out_page_followed_literally(site: Site, tmp_path: Path):
    b = blocks()
    _run(site.sql(b["database"]), dict(os.environ))
    node = {k: v for k, v in os.environ.items() if not k.startswith("GIJIROKU_") and k != "DATABASE_URL"}
    node.update(site.environment(b["environment"]))
    assert node["GIJIROKU_QUEUE"] == "celery"
    port = _free_port()
    api_env = {
        **node,
        "GIJIROKU_PORT": str(port),
        "GIJIROKU_MODEL_CACHE_DIR": str(tmp_path / "no-model"),
        "GIJIROKU_ADMIN_USERNAME": ADMIN[0],
        "GIJIROKU_ADMIN_PASSWORD": ADMIN[1],
    }
    worker_env = {**node, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    running: list[tuple[subprocess.Popen, Path]] = []
    try:
        for block, env in (("api", api_env), ("workers", worker_env)):
            for i, line in enumerate(b[block].splitlines()):
                if " serve " in f"{line} " or " worker " in line:  # long-running: in the background
                    log = tmp_path / f"{block}{i}.log"
                    running.append((_run(site.command(line), env, log), log))
                else:
                    _run(site.command(line), env)
        worker_logs = [log for _, log in running if log.name.startswith("workers")]
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            for proc, log in running:
                assert proc.poll() is None, log.read_text()
            try:
                return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for("API node healthy", up)
        for n in (1, 2):
            _wait_for(
                f"worker{n} ready",
                lambda n=n: any(f"worker{n}@" in lg.read_text() and " ready." in lg.read_text() for lg in worker_logs),
            )
        health = httpx.get(f"{base}/healthz").json()
        assert health["status"] == "ok" and health["database"]["detail"] == "postgresql", health
        assert health["model"]["detail"].startswith("not used on this node"), health

        token = httpx.post(f"{base}/api/auth/token", json={"username": ADMIN[0], "password": ADMIN[1]}).json()[
            "access_token"
        ]
        h = {"Authorization": f"Bearer {token}"}
        dept = httpx.post(f"{base}/api/departments", headers=h, json={"name": "総務課"}).json()
        ids = []
        for title in ("第1回", "第2回"):
            r = httpx.post(
                f"{base}/api/meetings",
                headers=h,
                data={"title": title, "department_id": str(dept["id"])},
                files={"file": ("a.wav", make_wav(1.0), "audio/wav")},
            )
            assert r.status_code == 201, r.text
            ids.append(r.json()["job"]["id"])
        for job_id in ids:
            _wait_for(
                f"job {job_id} done",
                lambda job_id=job_id: httpx.get(f"{base}/api/jobs/{job_id}", headers=h).json()["status"] == "done",
            )
            assert any(f"job {job_id} done" in log.read_text() for log in worker_logs)  # -l INFO names the job
    finally:
        for proc, _ in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # bash and the program it started
        for proc, _ in running:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

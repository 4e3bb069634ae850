"""Helpers shared by the service tests (importable because pyproject's ``pythonpath`` lists this folder)."""

from __future__ import annotations

import asyncio
import functools
import io
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.auth.passwords import hash_password
from service.config import Settings
from service.db.models import Department, Role, User

HERE = Path(__file__).parent
PASSWORD = "correct horse battery"
USERS = {
    "admin": (Role.admin, None),
    "clerk_a": (Role.clerk, "総務課"),
    "staff_a": (Role.staff, "総務課"),
    "evaluator": (Role.evaluator, None),
    "clerk_b": (Role.clerk, "議会事務局"),
    "staff_b": (Role.staff, "議会事務局"),
}


def make_wav(seconds: float = 2.0, rate: int = 16_000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    samples = (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": None,
        "admin_username": None,
        "admin_password": None,
        "queue": "inprocess",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test session


def seed_users(app: FastAPI) -> None:
    """One user per role in two departments (総務課 = A, 議会事務局 = B)."""
    with app.state.ctx.sessions() as db:
        departments: dict[str, Department] = {}
        for name, (role, dept) in USERS.items():
            if dept and dept not in departments:
                departments[dept] = Department(name=dept)
                db.add(departments[dept])
                db.flush()
            dept_id = departments[dept].id if dept else None
            db.add(User(username=name, password_hash=_password_hash(), role=role, department_id=dept_id))
        db.commit()


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/api/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes | None = None,
    filename: str = "会議.wav",
    **fields: Any,
) -> Any:
    """POST /api/meetings with sensible metadata; ``field=None`` leaves a field out."""
    data = {
        "title": "第1回 総務委員会",
        "held_at": "2025-04-01T10:00",
        "place": "第1委員会室",
        "attendees": "山田\n佐藤",
        "agenda": "予算について",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    files = {"file": (filename, make_wav() if content is None else content, "audio/wav")}
    return client.post("/api/meetings", headers=headers, data=data, files=files)


def wait_job(client: TestClient, headers: dict[str, str], job_id: int, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}", headers=headers).json()
        if job["status"] in ("done", "failed", "cancelled"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish: {job}")


def stored_files(settings: Settings) -> list[Path]:
    """Every file under uploads/ (including partial ones)."""
    root = settings.data_dir / "uploads"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def asgi_call(
    app: FastAPI,
    method: str,
    path: str,
    headers: list[tuple[bytes, bytes]],
    messages: list[dict[str, Any]],
    client: tuple[str, int] = ("127.0.0.1", 50000),
) -> tuple[list[dict[str, Any]], int]:
    """Drive the ASGI app with exactly ``messages`` (then ``http.disconnect``), as a client that
    stops sending would; returns what the app sent and how many messages it pulled. Runs in its
    own thread: the browser tests leave an event loop running in the main thread."""
    pending, sent, pulled = list(messages), [], 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if not pending:
            return {"type": "http.disconnect"}
        pulled += 1
        return pending.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": client,
        "server": ("testserver", 80),
    }
    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(app(scope, receive, send))
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return sent, pulled

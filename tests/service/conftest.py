"""Fixtures for service tests: an app on a temporary data dir with the fast fake pipeline,
two departments and one user per role, and helpers to log in, upload and wait for jobs."""

from __future__ import annotations

import io
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from service.app import create_app
from service.bootstrap import create_user
from service.config import Settings
from service.db.models import Role
from service.jobs.pipeline import reset_pipeline

HERE = Path(__file__).parent
PASSWORD = "correct horse battery"
FAKE_FACTORY = "fake_pipeline:factory"
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
        "pipeline_factory": FAKE_FACTORY,
        "admin_username": None,
        "admin_password": None,
        "queue": "inprocess",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    reset_pipeline()
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        seed_users(app)
        yield c
    reset_pipeline()


def seed_users(app: FastAPI) -> None:
    with app.state.ctx.sessions() as db:
        for name, (role, dept) in USERS.items():
            create_user(db, name, PASSWORD, role, dept)
        db.commit()


def department_id(app: FastAPI, username: str) -> int | None:
    from sqlalchemy import select

    from service.db.models import User

    with app.state.ctx.sessions() as db:
        return db.scalar(select(User.department_id).where(User.username == username))


def bearer(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


@pytest.fixture
def auth(client: TestClient) -> Any:
    """``auth("staff_a")`` → bearer headers for that seeded user (cached per test)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = bearer(client, username)
        return cache[username]

    return get


def upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes | None = None,
    filename: str = "会議.wav",
    **fields: Any,
) -> Any:
    data = {"title": "第1回 総務委員会", "held_at": "2025-04-01T10:00", "place": "第1委員会室", "attendees": "山田\n佐藤", "agenda": "予算について"}
    data.update({k: v for k, v in fields.items() if v is not None})
    for k in [k for k, v in fields.items() if v is None]:
        data.pop(k, None)
    files = {"file": (filename, make_wav() if content is None else content, "audio/wav")}
    return client.post("/api/meetings", headers=headers, data=data, files=files)


def wait_job(client: TestClient, headers: dict[str, str], job_id: int, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
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

"""Fixtures for service tests: an app on a temporary data dir with the fast fake pipeline (passed
by constructor; ``pipeline`` is that fake), two departments and one user per role (helpers in
``svc_helpers``, importable because pyproject's ``pythonpath`` lists this folder)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fake_pipeline import FakePipeline
from fastapi import FastAPI
from fastapi.testclient import TestClient
from svc_helpers import bearer, make_settings, seed_users, upload, wait_job

from service.app import create_app
from service.config import Settings


@pytest.fixture(autouse=True)
def _keep_umask() -> Iterator[None]:
    """CLI commands set umask 077 for their process (service.private_files); in the test process
    that must not leak into later tests."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def pipeline() -> FakePipeline:
    return FakePipeline()


@pytest.fixture
def app(settings: Settings, pipeline: FakePipeline) -> FastAPI:
    return create_app(settings, pipeline_factory=lambda: pipeline)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        seed_users(app)
        yield c


@pytest.fixture
def auth(client: TestClient) -> Callable[[str], dict[str, str]]:
    """``auth("staff_a")`` → bearer headers for that seeded user (one token per user per test)."""
    cache: dict[str, dict[str, str]] = {}

    def get(username: str) -> dict[str, str]:
        if username not in cache:
            cache[username] = bearer(client, username)
        return cache[username]

    return get


@pytest.fixture
def meeting_id(client: TestClient, auth: Callable[[str], dict[str, str]]) -> int:
    """A 総務課 meeting whose job is done (revision 1 stored), uploaded by ``staff_a``."""
    h = auth("staff_a")
    created = upload(client, h).json()
    assert wait_job(client, h, created["job"]["id"])["status"] == "done"
    return int(created["meeting"]["id"])

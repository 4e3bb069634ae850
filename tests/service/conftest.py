"""Fixtures for service tests: an app on a temporary data dir with the fast fake pipeline,
two departments and one user per role (helpers in ``svc_helpers``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

# --import-mode=importlib leaves sys.path alone; tests import svc_helpers and the app imports
# the fake pipeline ("fake_pipeline:factory") by name.
sys.path.insert(0, str(Path(__file__).parent))

from svc_helpers import bearer, make_settings, seed_users  # noqa: E402

from service.app import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.jobs.pipeline import reset_pipeline  # noqa: E402


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
def app(settings: Settings) -> Iterator[FastAPI]:
    reset_pipeline()
    yield create_app(settings)
    reset_pipeline()


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

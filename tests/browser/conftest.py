"""Fixtures for the Playwright browser tests (``@pytest.mark.browser``).

NOTE: this conftest is shared with the KPI-report pages (issue 6); that work may add fixtures
here. Keep the existing fixture names and behaviour stable.

* ``browser_type_launch_args`` launches the system Chromium (/usr/bin/chromium): Playwright cannot
  download its own browser on these machines. Override the path with ``GIJIROKU_CHROMIUM``.
* ``live_server`` (session) runs the real app with uvicorn in a background thread on a free
  127.0.0.1 port and a temporary ``GIJIROKU_DATA_DIR``, with the REAL embedded pipeline unless
  ``GIJIROKU_TEST_PIPELINE_FACTORY`` names another as ``module:callable``
  (``scripted_pipeline:ScriptedPipeline`` or ``fake_pipeline:FakePipeline`` while iterating on pages), passed
  to ``create_app``. ``live_server.create_user(...)`` / ``create_department(...)`` write to
  its database directly; ``live_server.base_url`` is also the ``base_url`` fixture, so
  ``page.goto("/meetings")`` works.
* ``login(page, username, password)`` logs in through the login form.
* ``screenshots_dir``: a temporary folder, or ``GIJIROKU_SCREENSHOTS=docs/screenshots`` to refresh
  the committed screenshots.
* ``context`` wraps pytest-playwright's: a test fails when a page in it reports a
  Content-Security-Policy violation (an inline script or style, a foreign origin), so the strict
  policy of ``service.security_headers`` is checked on every page the tests open.
"""

from __future__ import annotations

import importlib
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

HERE = Path(__file__).parent
# Pipelines selectable by name: the service tests' fake one and this folder's scripted one.
sys.path.insert(0, str(HERE.parent / "service"))
sys.path.insert(0, str(HERE))

from service.app import create_app  # noqa: E402
from service.bootstrap import create_user  # noqa: E402
from service.config import Settings  # noqa: E402
from service.db.models import Department, Role, User  # noqa: E402

FIXTURES = HERE.parent / "fixtures"
ROOT = HERE.parent.parent
PASSWORD = "correct horse battery"
CHROMIUM = os.environ.get("GIJIROKU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch arguments, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: LiveServer) -> dict[str, Any]:
    """Desktop size used by the municipality PCs; Japanese locale; downloads allowed."""
    return {
        **browser_context_args,
        "base_url": live_server.base_url,
        "viewport": {"width": 1366, "height": 768},
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "accept_downloads": True,
    }


@pytest.fixture
def context(context: BrowserContext) -> Iterator[BrowserContext]:
    """pytest-playwright's context; Chromium logs every CSP violation to the console, and any
    such message fails the test."""
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{message.location.get('url', '')}: {message.text}")

    context.on("console", on_console)
    yield context
    assert violations == [], "CSP violations:\n" + "\n".join(violations)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A running app; helpers write straight to its database (no HTTP round trip)."""

    app: FastAPI
    base_url: str
    settings: Settings
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    staff_created: set[str] = field(default_factory=set, repr=False)  # users of open_seeded_editor

    def create_user(
        self,
        username: str,
        role: Role | str = Role.staff,
        department: str | None = "総務課",
        password: str = PASSWORD,
        display_name: str = "",
    ) -> User:
        """Create a user (and the department by name); returns the detached row."""
        role = Role(role)
        if role in (Role.evaluator, Role.admin) and department == "総務課":
            department = None
        with self.app.state.ctx.sessions() as db:
            user = create_user(db, username, password, role, department, display_name)
            db.commit()
            db.refresh(user)
            db.expunge(user)
            return user

    def create_department(self, name: str) -> Department:
        with self.app.state.ctx.sessions() as db:
            dept = Department(name=name)
            db.add(dept)
            db.commit()
            db.refresh(dept)
            db.expunge(dept)
            return dept

    def create_meeting(
        self, title: str, department: str = "総務課", audio: Path | None = None, minutes: dict[str, Any] | None = None
    ) -> int:
        """A finished meeting without running a pipeline: audio stored, job done, revision 1 =
        ``minutes`` (default: the scripted ja_meeting transcript). Returns the meeting id."""
        import shutil

        from scripted_pipeline import scripted_minutes

        from models.audio import probe_audio
        from models.types import MeetingInfo
        from service.db.models import Job, JobStatus, Meeting, TranscriptRevision
        from service.storage import new_storage_name, resolve

        audio = audio or FIXTURES / "ja_meeting.wav"
        duration = probe_audio(audio).duration or 1.0
        if minutes is None:
            minutes = scripted_minutes(duration, MeetingInfo(title=title)).to_dict()
        name = new_storage_name()
        target = resolve(self.settings, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(audio, target)
        with self.app.state.ctx.sessions() as db:
            dept = db.query(Department).filter_by(name=department).one_or_none() or Department(name=department)
            db.add(dept)
            db.flush()
            meeting = Meeting(
                department_id=dept.id,
                title=title,
                original_filename=audio.name,
                audio_path=name,
                audio_size=audio.stat().st_size,
                audio_format="wav/pcm_s16le",
                duration=duration,
            )
            db.add(meeting)
            db.flush()
            db.add(Job(meeting_id=meeting.id, status=JobStatus.done, stage="done", percent=100.0, attempts=1))
            db.add(TranscriptRevision(meeting_id=meeting.id, revision=1, minutes=minutes, kind="draft"))
            db.commit()
            return meeting.id

    def sessions(self) -> Any:
        """A SQLAlchemy session factory for ad-hoc checks: ``with live_server.sessions() as db``."""
        return self.app.state.ctx.sessions()

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)


def _pipeline_factory(name: str) -> Callable[[], Any] | None:
    """``module:callable`` → that callable; empty: None, the real pipeline."""
    if not name:
        return None
    module, _, attr = name.partition(":")
    return getattr(importlib.import_module(module), attr)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live") / "data"
    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        database_url=None,
        admin_username=None,
        admin_password=None,
        queue="inprocess",
    )
    app = create_app(settings, pipeline_factory=_pipeline_factory(os.environ.get("GIJIROKU_TEST_PIPELINE_FACTORY", "")))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    live = LiveServer(app, f"http://127.0.0.1:{port}", settings, server, thread)
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    """pytest-base-url's fixture, pointed at the live server."""
    return live_server.base_url


def do_login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait for the meeting list."""
    page.goto("/login")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()


@pytest.fixture
def password() -> str:
    """The password ``create_user`` gives every user unless told otherwise."""
    return PASSWORD


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, "staff1")`` (password defaults to ``PASSWORD``)."""
    return do_login


@pytest.fixture
def open_seeded_editor(page: Page, live_server: LiveServer) -> Callable[[str, str], int]:
    """``open_seeded_editor("staff1", "title")`` logs that 総務課 staff user (created on first use per
    server) into the editor of a fresh seeded meeting (scripted ja_meeting transcript) and returns
    the meeting id."""

    def open_editor(username: str, title: str) -> int:
        if username not in live_server.staff_created:
            live_server.create_user(username, "staff", "総務課")
            live_server.staff_created.add(username)
        meeting_id = live_server.create_meeting(title)
        do_login(page, username)
        page.goto(f"/meetings/{meeting_id}/edit")
        expect(page.locator("#save-state")).to_have_text("第1版（保存済み）")
        expect(page.locator("#turn-0")).to_be_visible()  # the text is drawn once the voice matches are in too
        return meeting_id

    return open_editor


@pytest.fixture(scope="session")
def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save their screenshots: pytest's temporary folder unless
    ``GIJIROKU_SCREENSHOTS`` names one (relative to the repository: ``docs/screenshots`` refreshes
    the committed ones). Every run rewrote every PNG there before, so each commit carried pixel
    noise from screenshots nobody had retaken on purpose."""
    chosen = os.environ.get("GIJIROKU_SCREENSHOTS")
    if not chosen:
        return tmp_path_factory.mktemp("screenshots", numbered=False)
    path = ROOT / chosen  # an absolute path stays itself
    path.mkdir(parents=True, exist_ok=True)
    return path

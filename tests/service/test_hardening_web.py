"""Issue 10, rows 7, 8, 9, 12, 14 and 16: what an attack on the running service found in the pages,
the data directory and the upload path. One test (or two) per row, named after the row."""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from svc_helpers import PASSWORD, asgi_call, make_wav, stored_files, upload, wait_job

from service import cli
from service.config import get_settings
from service.schemas import MAX_ID

HUGE = "99999999999999999999999"


def _login(client: TestClient, username: str) -> str:
    r = client.post("/login", data={"username": username, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return client.cookies["gijiroku_csrf"]


def _multipart(filename: bytes, content: bytes, title: str = "会議", boundary: str = "XyZ") -> bytes:
    """A body exactly as a client sends it (httpx would escape some characters in the name)."""
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'.encode()
        + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
        + filename
        + b'"\r\nContent-Type: audio/wav\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def _post_raw(client: TestClient, headers: dict[str, str], body: bytes) -> Any:
    return client.post(
        "/api/meetings", headers={**headers, "Content-Type": "multipart/form-data; boundary=XyZ"}, content=body
    )


# --- row 7: HTML routes with ids that cannot exist ------------------------------------------------


def test_row7_html_routes_huge_id_404(client: TestClient) -> None:
    """Every HTML route with a path parameter answers 404 (not 500 OverflowError) for ids beyond
    the database's integer, the same bound (``MAX_ID``) the API uses; found by walking the page
    routers so a page added later is covered too."""
    from service.web import router as pages
    from service.web.report_pages import router as report_pages

    csrf = _login(client, "admin")
    html_routes = [r for r in (*pages.routes, *report_pages.routes) if "{" in r.path]
    assert len(html_routes) >= 5  # meeting, editor, survey (GET, POST), closure delete
    for route in html_routes:
        for bad in (HUGE, str(MAX_ID + 1), "0", "-1", "abc"):
            path = re.sub(r"\{[^}]+\}", bad, route.path)
            for method in route.methods - {"HEAD"}:
                r = client.request(
                    method, path, data={"csrf_token": csrf} if method == "POST" else None, follow_redirects=False
                )
                assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
                assert "見つかりません" in r.text
    assert client.get(f"/meetings/{MAX_ID}").status_code == 404  # the largest possible id is just missing


# --- row 8: the data directory is private --------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Any:
    """The usual umask 022, set before the app (listed first in a test's arguments) is created."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_row8_data_files_private(open_umask, client: TestClient, auth, settings) -> None:
    """Even under a permissive umask (022), the data dir, uploads and the SQLite files are created
    for the service's user only (0700 / 0600)."""
    headers = auth("staff_a")
    r = upload(client, headers)
    assert r.status_code == 201, r.text
    wait_job(client, headers, r.json()["job"]["id"])
    data = settings.data_dir
    dirs = [data, data / "uploads", data / "uploads" / ".incoming"]
    files = [*stored_files(settings), *data.glob("gijiroku.sqlite3*")]
    assert len(files) >= 2  # the recording and the database
    for d in dirs:
        assert _mode(d) == 0o700, (d, oct(_mode(d)))
    for f in files:
        assert _mode(f) == 0o600, (f, oct(_mode(f)))


@pytest.fixture
def open_data_dir(tmp_path: Path, monkeypatch) -> Any:
    """An existing data dir (0755) and database (0644) as an older version left them, as
    ``GIJIROKU_DATA_DIR``; the process umask is restored afterwards."""
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    db = data / "gijiroku.sqlite3"
    db.touch()
    os.chmod(db, 0o644)
    monkeypatch.setenv("GIJIROKU_DATA_DIR", str(data))
    monkeypatch.delenv("GIJIROKU_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    old = os.umask(0o022)
    yield data, db
    os.umask(old)
    get_settings.cache_clear()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "other users" in r.getMessage()]


def test_row8_serve_warns_on_open_data_dir(open_data_dir, monkeypatch, caplog) -> None:
    """``gijiroku serve`` sets umask 077 for the process and warns (Japanese and English) about an
    existing data dir or database that other local users can read; a private one gives no warning."""
    import uvicorn

    data, db = open_data_dir
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    with caplog.at_level(logging.WARNING):
        assert cli.main(["serve"]) == 0
    assert os.umask(0o022) == 0o077
    warnings = _warnings(caplog)
    assert any(str(data) in w and "他のユーザー" in w and "chmod 700" in w for w in warnings), warnings
    assert any(str(db) in w and "chmod 600" in w for w in warnings), warnings
    caplog.clear()
    os.chmod(data, 0o700)
    os.chmod(db, 0o600)
    with caplog.at_level(logging.WARNING):
        assert cli.main(["serve"]) == 0
    assert _warnings(caplog) == []


def test_row8_worker_warns_on_open_data_dir(open_data_dir, caplog) -> None:
    """A Celery worker does the same when it starts (``worker_init``), before its pool forks."""
    from celery.signals import worker_init

    import service.jobs.celery_app  # noqa: F401  (connects the handler)

    data, _ = open_data_dir
    with caplog.at_level(logging.WARNING):
        worker_init.send(sender=None)
    assert os.umask(0o022) == 0o077
    assert any(str(data) in w for w in _warnings(caplog))


# --- row 9: disk full -----------------------------------------------------------------------------


class _FullDisk:
    """A file whose every write fails the way a full disk does."""

    def __init__(self, f: Any) -> None:
        self._f = f

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)

    def write(self, *_: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    writelines = write


def test_row9_disk_full_upload_507(client: TestClient, auth, settings, monkeypatch, caplog) -> None:
    """ENOSPC while the recording streams to disk: 507 in Japanese and English, logged at ERROR,
    nothing left behind."""
    real_open = io.open

    def open_on_full_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        f = real_open(file, mode, *args, **kwargs)
        if "w" in mode and "b" in mode and (isinstance(file, int) or str(file).endswith(".part")):
            return _FullDisk(f)
        return f

    monkeypatch.setattr(io, "open", open_on_full_disk)
    with caplog.at_level(logging.INFO):
        r = upload(client, auth("clerk_a"))
    monkeypatch.undo()
    assert r.status_code == 507, r.text
    assert r.json()["error"] == "insufficient_storage"
    assert "保存領域が不足しています" in r.json()["detail"] and "storage" in r.json()["detail"].lower()
    assert any(rec.levelno == logging.ERROR for rec in caplog.records)
    assert stored_files(settings) == []


def test_row9_database_full_during_upload_507(client: TestClient, auth, settings, monkeypatch, caplog) -> None:
    """SQLite's "database or disk is full" on the commit answers 507 too, and the stored file is removed."""
    import sqlite3

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    def full(self: Session) -> None:
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))

    headers = auth("clerk_a")
    monkeypatch.setattr(Session, "commit", full)
    with caplog.at_level(logging.INFO):
        r = upload(client, headers)
    monkeypatch.undo()
    assert r.status_code == 507, r.text
    assert "保存領域が不足しています" in r.json()["detail"]
    assert any(rec.levelno == logging.ERROR for rec in caplog.records)
    assert stored_files(settings) == []


# --- row 12: security headers ---------------------------------------------------------------------

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _policy(header: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in header.split(";") if d.strip()}


def test_row12_security_headers(client: TestClient, auth) -> None:
    """Pages, API answers (errors too), static files and exports carry CSP, framing, sniffing and
    referrer headers; the CSP allows no inline script or style and no other origin."""
    headers = auth("staff_a")
    meeting = upload(client, headers).json()
    wait_job(client, headers, meeting["job"]["id"])
    meeting_id = meeting["meeting"]["id"]
    _login(client, "staff_a")
    responses = {
        "login page": client.get("/login"),
        "meeting page": client.get(f"/meetings/{meeting_id}"),
        "error page": client.get("/meetings/424242"),
        "API": client.get("/api/meetings", headers=headers),
        "API error": client.get("/api/meetings/424242", headers=headers),
        "export": client.get(f"/api/meetings/{meeting_id}/export/docx", headers=headers),
        "audio": client.get(f"/api/meetings/{meeting_id}/audio", headers=headers),
        "static": client.get("/static/css/app.css"),
        "unknown path": client.get("/no/such/page"),
        "OpenAPI": client.get("/openapi.json"),
    }
    for name, r in responses.items():
        assert r.status_code in (200, 404), (name, r.status_code)
        for header, value in EXPECTED.items():
            assert r.headers.get(header) == value, (name, header, r.headers.get(header))
        policy = _policy(r.headers["content-security-policy"])
        assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", (name, policy)
        assert policy["style-src"] == "'self'" and policy["object-src"] == "'none'", (name, policy)
        assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'none'", (name, policy)
        assert policy["form-action"] == "'self'", (name, policy)
        assert not any("unsafe" in v or "http" in v or "*" in v for v in policy.values()), (name, policy)
    assert responses["export"].headers["content-disposition"].startswith("attachment")
    docs = client.get("/docs")  # Swagger UI comes from a CDN with an inline start script: framing rules only
    assert (
        docs.headers["x-frame-options"] == "DENY"
        and "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    )


# --- row 14: client aborts mid-upload ------------------------------------------------------------


def test_row14_client_abort_logged_at_info(client: TestClient, app, auth, settings, caplog) -> None:
    """A browser that goes away mid-upload: one INFO line, no ERROR (no traceback), no partial file."""
    body = _multipart(b"meeting.wav", make_wav(5.0))
    headers = {**auth("clerk_a"), "content-type": "multipart/form-data; boundary=XyZ", "content-length": str(len(body))}
    messages = [
        {"type": "http.request", "body": body[:4096], "more_body": True},
        {"type": "http.request", "body": body[4096:60000], "more_body": True},
        {"type": "http.disconnect"},
    ]
    with caplog.at_level(logging.INFO):
        asgi_call(
            app, "POST", "/api/meetings", [(k.lower().encode(), v.encode()) for k, v in headers.items()], messages
        )
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    info = [r for r in caplog.records if r.levelno == logging.INFO and "abort" in r.getMessage()]
    assert len(info) == 1 and info[0].exc_info is None, [r.getMessage() for r in caplog.records]
    assert stored_files(settings) == []


# --- row 16: file names ---------------------------------------------------------------------------


def test_row16_long_filename_message(client: TestClient, auth, settings) -> None:
    """A too-long name is refused for being too long (saying the limit), not for path separators."""
    r = _post_raw(client, auth("clerk_a"), _multipart(("あ" * 296 + ".wav").encode(), make_wav()))
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert r.json()["error"] == "filename_too_long"
    assert "長すぎます" in detail and "255" in detail and "パス区切り" not in detail
    assert stored_files(settings) == []
    ok = _post_raw(client, auth("clerk_a"), _multipart(("あ" * 251 + ".wav").encode(), make_wav()))
    assert ok.status_code == 201, ok.text


@pytest.mark.parametrize(
    "char",
    ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad", "\u2028", "\u0085"],
)
def test_row16_bidi_controls_refused(client: TestClient, auth, settings, char: str) -> None:
    """Bidi overrides and other invisible format/control characters are refused, naming the code
    point, so ``会議<RLO>vaw.exe`` can never be shown as ``会議exe.wav``; nothing is stored."""
    r = _post_raw(client, auth("clerk_a"), _multipart(f"会議{char}vaw.exe".encode(), make_wav()))
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "bad_filename"
    assert f"U+{ord(char):04X}" in r.json()["detail"]
    assert stored_files(settings) == []


def test_row16_title_default_and_emoji(client: TestClient, auth) -> None:
    """The title (which the upload page fills from the file name) gets the same rule; joiners that
    emoji need (U+200D) stay allowed in names."""
    r = _post_raw(client, auth("clerk_a"), _multipart("会議.wav".encode(), make_wav(), title="会議\u202evaw.exe"))
    assert r.status_code == 422 and "名称" in r.json()["detail"], r.text
    r = _post_raw(client, auth("clerk_a"), _multipart("👩\u200d💻会議.wav".encode(), make_wav()))
    assert r.status_code == 201, r.text
    assert r.json()["meeting"]["original_filename"] == "👩\u200d💻会議.wav"

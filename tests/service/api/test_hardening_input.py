"""Issue 10, rows 1, 4 and 10: what a request body may carry (text, numbers, size, shape)."""

from __future__ import annotations

import io
import json
from typing import Any

from docx import Document
from fake_pipeline import FakePipeline
from fastapi.testclient import TestClient
from sqlalchemy import select
from svc_helpers import asgi_call, make_settings, make_wav, seed_users, upload, wait_job

from exporters import FORMATS, render
from models.types import MeetingInfo, Minutes, Speaker, Turn, Word
from service.app import create_app
from service.body_guard import SMALL_BODY_BYTES
from service.cli import main
from service.config import get_settings
from service.db.models import Meeting, TranscriptRevision

BAD_TEXT = "\\ud800"  # as it travels: a JSON escape for an unpaired surrogate


def _minutes(client, h, mid) -> dict[str, Any]:
    return client.get(f"/api/meetings/{mid}/transcript", headers=h).json()["minutes"]


def _put_raw(client, h, mid, body: str):
    headers = {**h, "Content-Type": "application/json"}
    return client.put(f"/api/meetings/{mid}/transcript", headers=headers, content=body.encode())


def _revisions(client, h, mid) -> list[int]:
    return [r["revision"] for r in client.get(f"/api/meetings/{mid}/transcript/revisions", headers=h).json()]


def _bilingual(response) -> None:
    detail = response.json()["detail"]
    assert any("\u3040" <= ch <= "\u30ff" for ch in detail) and any(ch.isascii() and ch.isalpha() for ch in detail)


# --- row 1: unstorable text ------------------------------------------------------------------


def test_row1_lone_surrogate_refused_before_commit(client, auth, meeting_id):
    h = auth("staff_a")
    minutes = _minutes(client, h, meeting_id)
    minutes["turns"][0]["text"] = "@@BAD@@"
    body = json.dumps({"base_revision": 1, "minutes": minutes}).replace("@@BAD@@", f"前{BAD_TEXT}後")
    r = _put_raw(client, h, meeting_id, body)
    assert r.status_code == 422 and r.json()["error"] == "invalid_text"
    assert "minutes.turns.0.text" in r.json()["detail"]
    _bilingual(r)
    assert _revisions(client, h, meeting_id) == [1]  # nothing was written
    assert client.get(f"/api/meetings/{meeting_id}/transcript", headers=h).status_code == 200
    assert client.get(f"/api/meetings/{meeting_id}/export/json", headers=h).status_code == 200


def test_row1_unstorable_text_refused_on_every_body(client, auth, meeting_id):
    """NUL (PostgreSQL), other C0 controls (XML in .docx), NaN/Infinity (not JSON) — on JSON
    bodies of any route, HTML forms and the upload's text fields."""
    h = auth("staff_a")
    cases = [
        ("POST", "/api/vocabulary", '{"term": "朝日\\u0000町"}'),
        ("PATCH", f"/api/meetings/{meeting_id}", '{"title": "総務\\u000b委員会"}'),
        ("PATCH", f"/api/meetings/{meeting_id}", '{"attendees": ["山田", "\\udfff"]}'),
        ("POST", "/api/auth/login", '{"username": "\\ud800", "password": "x"}'),
    ]
    for method, url, body in cases:
        r = client.request(method, url, headers={**h, "Content-Type": "application/json"}, content=body.encode())
        assert (r.status_code, r.json()["error"]) == (422, "invalid_text"), (url, body, r.text)
    for number in ("NaN", "Infinity", "-Infinity", "1e400"):
        body = json.dumps({"base_revision": 1, "minutes": _minutes(client, h, meeting_id)}).replace(
            '"start": 0.0', f'"start": {number}'
        )
        r = _put_raw(client, h, meeting_id, body)
        assert (r.status_code, r.json()["error"]) == (422, "invalid_number"), number
    minutes = _minutes(client, h, meeting_id)
    minutes["turns"][0]["start"] = "NaN"  # as a string pydantic would turn it into a float
    r = client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
    assert (r.status_code, r.json()["error"]) == (422, "invalid_minutes")
    r = client.post("/login", data={"username": "admin\x00", "password": "x"})
    assert (r.status_code, r.json()["error"]) == (422, "invalid_text")
    r = upload(client, h, title="第1回\x00総務委員会")  # multipart: the upload form's own rule (row 16)
    assert r.status_code == 422
    assert _revisions(client, h, meeting_id) == [1]
    meeting = client.get(f"/api/meetings/{meeting_id}", headers=h).json()
    assert meeting["title"] == "第1回 総務委員会" and meeting["attendees"] == ["山田", "佐藤"]


def test_row1_save_serialises_before_commit(app, client, auth, meeting_id, monkeypatch):
    """Even with the request check switched off, a revision that cannot be answered is not stored."""
    monkeypatch.setattr("service.body_guard.first_unstorable", lambda value: None)
    h = auth("staff_a")
    minutes = _minutes(client, h, meeting_id)
    minutes["turns"][0]["text"] = "@@BAD@@"
    body = json.dumps({"base_revision": 1, "minutes": minutes}).replace("@@BAD@@", BAD_TEXT)
    r = _put_raw(TestClient(app, raise_server_exceptions=False), h, meeting_id, body)
    assert r.status_code == 500
    assert _revisions(client, h, meeting_id) == [1]


def test_row1_stored_surrogate_row_is_readable_and_repairable(
    app, client, auth, meeting_id, settings, monkeypatch, capsys
):
    """Rows stored by the old code (SQLite keeps the surrogate escaped inside JSON) read and export,
    and `gijiroku db repair` rewrites them."""
    h = auth("staff_a")
    with app.state.ctx.sessions() as db:
        row = db.scalar(select(TranscriptRevision).where(TranscriptRevision.meeting_id == meeting_id))
        minutes = json.loads(json.dumps(row.minutes))
        minutes["turns"][0]["text"] = "前\ud800後"
        minutes["turns"][0]["clean_text"] = "前\x00後"
        db.add(TranscriptRevision(meeting_id=meeting_id, revision=2, base_revision=1, minutes=minutes))
        meeting = db.get(Meeting, meeting_id)
        meeting.title = "総務\x0b委員会"
        meeting.attendees = ["山田\udc80"]
        db.commit()

    r = client.get(f"/api/meetings/{meeting_id}/transcript", headers=h)
    assert r.status_code == 200
    assert r.json()["minutes"]["turns"][0]["text"] == "前\ufffd後"
    for fmt in FORMATS:
        assert client.get(f"/api/meetings/{meeting_id}/export/{fmt}", headers=h).status_code == 200, fmt

    monkeypatch.setenv("GIJIROKU_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("GIJIROKU_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        assert main(["db", "repair"]) == 0
        out = capsys.readouterr().out
        assert "transcript_revisions: 修復 1 行" in out and "meetings: 修復 1 行" in out
        assert main(["db", "repair"]) == 0
        assert "nothing to repair" in capsys.readouterr().out
    finally:
        get_settings.cache_clear()
    with app.state.ctx.sessions() as db:
        stored = db.scalar(select(TranscriptRevision.minutes).where(TranscriptRevision.revision == 2))
        meeting = db.get(Meeting, meeting_id)
        assert [stored["turns"][0]["text"], stored["turns"][0]["clean_text"]] == ["前\ufffd後", "前\ufffd後"]
        assert (meeting.title, meeting.attendees) == ("総務\ufffd委員会", ["山田\ufffd"])


def test_row1_exporters_survive_unstorable_text():
    """A model's odd output or an old row: every format renders, U+FFFD where the character was."""
    minutes = Minutes(
        meeting=MeetingInfo(title="総務\x00委員会", place="第1\ud800委員会室", attendees=["山田\x1f"]),
        speakers=[Speaker("S0", "委員長\x0b")],
        turns=[Turn("S0", 0.0, 1.0, "開会\udfffします", "開会\x0cします", [Word(0.0, 1.0, "開\x01会", 0.9)])],
    )
    for fmt in FORMATS:
        assert render(minutes, fmt), fmt
    text = render(minutes, "txt").decode("utf-8")
    assert "開会\ufffdします" in text and "\x0c" not in text
    paragraphs = [p.text for p in Document(io.BytesIO(render(minutes, "docx"))).paragraphs]
    assert any("開会\ufffdします" in p for p in paragraphs)


# --- row 4: body size -------------------------------------------------------------------------


def _asgi_post(app, path: str, chunks: list[bytes], *, declared: int | None) -> tuple[int, dict[str, Any], int]:
    """POST straight into the ASGI app; returns (status, JSON body, body messages the app pulled)."""
    headers = [(b"content-type", b"application/json")]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent, pulled = asgi_call(app, "POST", path, headers, messages, client=("203.0.113.9", 50000))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


def test_row4_anonymous_huge_login_body_413_without_reading(app, client):
    megabyte = b" " * (1024 * 1024)
    status, body, pulled = _asgi_post(app, "/api/auth/login", [megabyte] * 80, declared=80 * 1024 * 1024)
    assert (status, body["error"], pulled) == (413, "too_large", 0)  # refused on Content-Length alone
    assert "64 KB" in body["detail"]
    # chunked (no Content-Length): counted as it arrives, refused within the first megabyte
    status, body, pulled = _asgi_post(app, "/api/auth/login", [megabyte] * 80, declared=None)
    assert (status, body["error"], pulled) == (413, "too_large", 1)
    # the same for an admin route and for the HTML login form
    for path in ("/api/users", "/login"):
        assert _asgi_post(app, path, [b"x" * (SMALL_BODY_BYTES + 1)], declared=None)[0] == 413
    # a small body still reaches the route
    assert client.post("/api/auth/login", json={"username": "admin", "password": "wrong password"}).status_code == 401


def test_row4_transcript_cap_and_upload_limit_are_separate(tmp_path):
    app = create_app(make_settings(tmp_path / "data", max_transcript_mb=1), pipeline_factory=FakePipeline)
    with TestClient(app) as client:
        seed_users(app)
        h = {
            "Authorization": "Bearer "
            + client.post("/api/auth/token", json={"username": "staff_a", "password": "correct horse battery"}).json()[
                "access_token"
            ]
        }
        created = upload(client, h, content=make_wav(5.0))  # a 160 kB upload: the small limit is not its limit
        assert created.status_code == 201, created.text
        mid = created.json()["meeting"]["id"]
        assert wait_job(client, h, created.json()["job"]["id"])["status"] == "done"
        minutes = _minutes(client, h, mid)
        minutes["turns"][0]["clean_text"] = "議" * 60_000  # ~180 kB: over the small limit, under the cap
        r = client.put(f"/api/meetings/{mid}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
        assert r.status_code == 200, r.text
        minutes["turns"][0]["clean_text"] = "議" * 400_000  # ~2.4 MB as the client escapes it
        r = client.put(f"/api/meetings/{mid}/transcript", headers=h, json={"base_revision": 2, "minutes": minutes})
        assert (r.status_code, r.json()["error"]) == (413, "too_large") and "1 MB" in r.json()["detail"]
        _bilingual(r)
        assert _revisions(client, h, mid) == [1, 2]


# --- row 10: empty transcripts ----------------------------------------------------------------


def test_row10_transcript_without_turns_refused(client, auth, meeting_id):
    h = auth("staff_a")
    minutes = _minutes(client, h, meeting_id)
    minutes["turns"] = []
    r = client.put(f"/api/meetings/{meeting_id}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
    assert (r.status_code, r.json()["error"]) == (422, "empty_minutes")
    _bilingual(r)
    assert _revisions(client, h, meeting_id) == [1]

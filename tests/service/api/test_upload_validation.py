"""Bad uploads: each gets a 4xx with a Japanese message, and leaves no row and no file behind."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from svc_helpers import make_wav, stored_files, upload

from service.db.models import Job, Meeting

WAV = make_wav(2.0)
TRUNCATED = WAV[: len(WAV) // 2]


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "XyZ") -> bytes:
    out = b""
    for name, filename, content in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


CASES = {
    # name: (kwargs for upload(), expected status, expected error code, Japanese fragment)
    "not audio": (
        {"content": b"%PDF-1.4 this is not audio" * 50, "filename": "minutes.wav"},
        422,
        "not_audio",
        "音声ファイルとして読み込めません",
    ),
    "empty file": ({"content": b""}, 422, "empty_file", "ファイルが空です"),
    "truncated": ({"content": TRUNCATED}, 422, "truncated", "途中で切れています"),
    "path traversal name": ({"filename": "../../etc/passwd"}, 422, "bad_filename", "ファイル名"),
    "backslash name": ({"filename": "..\\..\\boot.ini"}, 422, "bad_filename", "ファイル名"),
    "missing title": ({"title": None}, 422, "invalid_metadata", "名称"),
    "blank title": ({"title": "   "}, 422, "invalid_metadata", "名称"),
    "bad date": ({"held_at": "昨日"}, 422, "invalid_metadata", "日時"),
    "bad speakers": ({"num_speakers": "-3"}, 422, "invalid_metadata", "話者数"),
    "min above max": ({"min_speakers": "5", "max_speakers": "2"}, 422, "invalid_metadata", "最小話者数"),
    "other department": ({"department_id": "999"}, 404, "not_found", "部署"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_upload_leaves_nothing(client, auth, app, settings, case):
    kwargs, status, code, ja = CASES[case]
    r = upload(client, auth("clerk_a"), **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code
    assert ja in r.json()["detail"]
    _assert_nothing_left(app, settings)


def _assert_nothing_left(app, settings):
    assert stored_files(settings) == []
    with app.state.ctx.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Meeting)) == 0
        assert db.scalar(select(func.count()).select_from(Job)) == 0


@pytest.mark.parametrize("raw_name", ["会議\x00控え.wav".encode(), b"a\x1b[31m.wav", b".."])
def test_hostile_raw_filenames(client, auth, app, settings, raw_name):
    """Names as a hostile client sends them (httpx would percent-encode the NUL)."""
    body = _multipart([("title", None, "会議".encode()), ("file", None, WAV)])
    body = body.replace(b'name="file"', b'name="file"; filename="' + raw_name + b'"')
    headers = {**auth("clerk_a"), "Content-Type": "multipart/form-data; boundary=XyZ"}
    r = client.post("/api/meetings", headers=headers, content=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "bad_filename" and "ファイル名" in r.json()["detail"]
    _assert_nothing_left(app, settings)


def test_over_size_limit_is_refused_while_streaming(client, auth, app, settings):
    settings.max_upload_mb = 1
    big = make_wav(40.0)  # ~1.3 MB
    r = upload(client, auth("clerk_a"), big)
    assert r.status_code == 413 and r.json()["error"] == "file_too_large"
    assert "上限 1 MB" in r.json()["detail"]
    _assert_nothing_left(app, settings)


def test_declared_content_length_over_limit_is_refused_before_reading(client, auth, app, settings):
    settings.max_upload_mb = 1
    body = _multipart([("title", None, "会議".encode()), ("file", "a.wav", WAV)])
    headers = {
        **auth("clerk_a"),
        "Content-Type": "multipart/form-data; boundary=XyZ",
        "Content-Length": str(50 * 1024 * 1024),
    }
    r = client.post("/api/meetings", headers=headers, content=body)
    assert r.status_code == 413
    _assert_nothing_left(app, settings)


def test_over_duration_limit(client, auth, app, settings):
    settings.max_duration_hours = 1 / 3600  # one second
    r = upload(client, auth("clerk_a"), make_wav(3.0))
    assert r.status_code == 422 and r.json()["error"] == "too_long"
    assert "録音が長すぎます" in r.json()["detail"]
    _assert_nothing_left(app, settings)


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/json", b'{"title": "x"}'),
        ("audio/wav", WAV),
        ("multipart/form-data", b"no boundary"),
    ],
)
def test_wrong_content_type(client, auth, app, settings, content_type, body):
    r = client.post("/api/meetings", headers={**auth("clerk_a"), "Content-Type": content_type}, content=body)
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    assert "multipart/form-data" in r.json()["detail"]
    _assert_nothing_left(app, settings)


def test_missing_file_and_duplicate_file_and_garbage_body(client, auth, app, settings):
    h = {**auth("clerk_a"), "Content-Type": "multipart/form-data; boundary=XyZ"}
    r = client.post("/api/meetings", headers=h, content=_multipart([("title", None, b"x")]))
    assert r.status_code == 422 and r.json()["error"] == "file_missing" and "添付" in r.json()["detail"]
    two = _multipart([("title", None, b"x"), ("file", "a.wav", WAV), ("file", "b.wav", WAV)])
    r = client.post("/api/meetings", headers=h, content=two)
    assert r.status_code == 422 and r.json()["error"] == "unexpected_file"
    r = client.post("/api/meetings", headers=h, content=b"--XyZ\r\ngarbage without headers end" + WAV[:1000])
    assert r.status_code in (400, 422)
    _assert_nothing_left(app, settings)


def test_japanese_filename_is_kept_for_display_only(client, auth, settings):
    r = upload(client, auth("clerk_a"), filename="第3回 委員会（控え）.wav")
    assert r.status_code == 201
    assert r.json()["meeting"]["original_filename"] == "第3回 委員会（控え）.wav"
    [stored] = stored_files(settings)
    assert stored.name.isalnum() and stored.name.isascii()


def test_content_decides_not_the_name(client, auth):
    r = upload(client, auth("clerk_a"), make_wav(1.0), filename="recording.pdf")
    assert r.status_code == 201
    assert r.json()["meeting"]["audio_format"] == "wav/pcm_s16le"


def test_unauthenticated_and_clerkless_upload(client, auth, app, settings):
    r = upload(client, {})
    assert r.status_code == 401 and "ログイン" in r.json()["detail"]
    r = upload(client, auth("evaluator"))
    assert r.status_code == 403
    _assert_nothing_left(app, settings)

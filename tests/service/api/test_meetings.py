"""Upload → job → transcript through the HTTP API, metadata edits, deletion, audio streaming."""

from __future__ import annotations

import hashlib

from fake_pipeline import TEXT
from sqlalchemy import func, select
from svc_helpers import make_wav, stored_files, upload, wait_job

from models.types import SpeakerCountHint
from service.db.models import AuditLog, Meeting


def test_upload_runs_job_and_stores_revision_1(client, auth, settings, pipeline):
    h = auth("clerk_a")
    wav = make_wav(2.0)
    r = upload(client, h, wav, num_speakers="2")
    assert r.status_code == 201, r.text
    body = r.json()
    meeting, job = body["meeting"], body["job"]
    assert meeting["title"] == "第1回 総務委員会"
    assert meeting["attendees"] == ["山田", "佐藤"]
    assert meeting["held_at"].startswith("2025-04-01T10:00")
    assert meeting["sha256"] == hashlib.sha256(wav).hexdigest()
    assert meeting["audio_size"] == len(wav)
    assert abs(meeting["duration"] - 2.0) < 0.01
    assert meeting["original_filename"] == "会議.wav"
    assert job["status"] in ("queued", "running", "done")

    done = wait_job(client, h, job["id"])
    assert done["status"] == "done" and done["percent"] == 100.0 and done["attempts"] == 1

    t = client.get(f"/api/meetings/{meeting['id']}/transcript", headers=h).json()
    assert t["revision"] == 1 and t["author"] is None and t["base_revision"] is None
    assert t["minutes"]["turns"][0]["text"] == TEXT
    assert t["minutes"]["meeting"]["title"] == "第1回 総務委員会"
    assert t["minutes"]["meeting"]["date"] == "2025-04-01"
    assert t["minutes"]["meeting"]["start_time"] == "10:00"
    assert pipeline.received[-1].speakers == SpeakerCountHint(num=2)  # the form's 話者数 reached run()

    files = stored_files(settings)
    assert len(files) == 1 and files[0].read_bytes() == wav
    assert files[0].parent.name == "uploads" and "会議" not in files[0].name

    listed = client.get("/api/meetings", headers=h).json()["items"]
    assert [m["id"] for m in listed] == [meeting["id"]]
    assert listed[0]["latest_job"]["status"] == "done" and listed[0]["latest_revision"] == 1


def test_pipeline_error_fails_job_with_its_message(client, auth):
    h = auth("clerk_a")
    job = upload(client, h, title="FAIL").json()["job"]
    done = wait_job(client, h, job["id"])
    assert done["status"] == "failed" and done["error_code"] == "silence"
    assert "音声が無音です" in done["error"]


def test_unexpected_error_fails_job_with_generic_message(client, auth):
    h = auth("clerk_a")
    job = upload(client, h, title="CRASH").json()["job"]
    done = wait_job(client, h, job["id"])
    assert done["status"] == "failed" and done["error_code"] == "internal_error"
    assert "予期しないエラー" in done["error"] and "boom" not in done["error"]

    retried = client.post(f"/api/jobs/{job['id']}/retry", headers=h)
    assert retried.status_code == 200
    assert wait_job(client, h, job["id"])["attempts"] == 2


def test_patch_metadata_requires_edit_permission(client, auth):
    meeting = upload(client, auth("clerk_a")).json()["meeting"]
    url = f"/api/meetings/{meeting['id']}"
    assert client.patch(url, headers=auth("clerk_a"), json={"title": "x"}).status_code == 403
    r = client.patch(url, headers=auth("staff_a"), json={"title": "第2回", "agenda": ["決算", " "]})
    assert r.status_code == 200
    assert r.json()["title"] == "第2回" and r.json()["agenda"] == ["決算"]


def test_audio_supports_range_requests(client, auth):
    h = auth("clerk_a")
    wav = make_wav(1.0)
    meeting = upload(client, h, wav).json()["meeting"]
    url = f"/api/meetings/{meeting['id']}/audio"
    full = client.get(url, headers=h)
    assert full.status_code == 200 and full.content == wav
    assert full.headers["accept-ranges"] == "bytes" and full.headers["content-type"] == "audio/wav"
    part = client.get(url, headers={**h, "Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == wav[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(wav)}"
    tail = client.get(url, headers={**h, "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == wav[-10:]
    assert client.get(url, headers={**h, "Range": f"bytes={len(wav) + 5}-"}).status_code == 416


def test_delete_audio_keeps_transcript_and_is_audited(client, auth, settings, app):
    h = auth("clerk_a")
    created = upload(client, h).json()
    wait_job(client, h, created["job"]["id"])
    mid = created["meeting"]["id"]
    assert client.delete(f"/api/meetings/{mid}/audio", headers=h).status_code == 403  # clerk
    assert client.delete(f"/api/meetings/{mid}/audio", headers=auth("staff_a")).status_code == 204
    assert stored_files(settings) == []
    assert client.get(f"/api/meetings/{mid}/audio", headers=h).status_code == 404
    assert client.get(f"/api/meetings/{mid}", headers=h).json()["audio_available"] is False
    assert client.get(f"/api/meetings/{mid}/transcript", headers=h).status_code == 200

    assert client.delete(f"/api/meetings/{mid}", headers=auth("staff_a")).status_code == 204
    assert client.get(f"/api/meetings/{mid}", headers=h).status_code == 404
    with app.state.ctx.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Meeting)) == 0
        actions = set(db.scalars(select(AuditLog.action).where(AuditLog.target_id == mid)))
    assert {"uploaded", "audio_deleted", "meeting_deleted", "transcript_viewed"} <= actions

"""Voice registry (話者登録, issue 13) through the API, with the real GE2E encoder on a real voice
(tests/fixtures/kyouiku_170_188.flac: one speaker; the fake pipeline runs the real voice hook on it):
enrol from a named speaker, a later meeting of the same department opens with the name, reject
reverts it, another department neither sees nor matches the person, deleting removes every print,
only staff/admin enrol, everything is audited, and the setting turns it off."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from svc_helpers import make_settings, seed_users, upload, wait_job

from service.app import create_app
from service.db.models import AuditLog, VoiceMatchRow, VoicePerson, VoicePrintRow

VOICE = (Path(__file__).parents[2] / "fixtures" / "kyouiku_170_188.flac").read_bytes()
LABEL = "教育長（高橋）"


def _meeting(client, h, **fields) -> int:
    created = upload(client, h, VOICE, filename="教育委員会.flac", **fields).json()
    # the real encoder runs in the job: minutes, not seconds, on a loaded 2-core machine
    assert wait_job(client, h, created["job"]["id"], timeout=600)["status"] == "done"
    return int(created["meeting"]["id"])


def _transcript(client, h, mid):
    return client.get(f"/api/meetings/{mid}/transcript", headers=h).json()


def _rename(client, h, mid, label: str) -> None:
    t = _transcript(client, h, mid)
    minutes = t["minutes"]
    minutes["speakers"][0]["label"] = label
    r = client.put(
        f"/api/meetings/{mid}/transcript", headers=h, json={"base_revision": t["revision"], "minutes": minutes}
    )
    assert r.status_code == 200, r.text


@pytest.fixture
def enrolled(client, auth):
    """A 総務課 meeting whose speaker staff named 教育長（高橋） and enrolled: (meeting id, person)."""
    h = auth("staff_a")
    mid = _meeting(client, h)
    _rename(client, h, mid, LABEL)
    r = client.post(f"/api/meetings/{mid}/voices/enrol", headers=h, json={"speaker": "SPEAKER_00"})
    assert r.status_code == 201, r.text
    return mid, r.json()


def test_enrol_then_the_next_meeting_opens_with_the_name_and_reject_reverts(client, auth, enrolled, app) -> None:
    h = auth("staff_a")
    _, person = enrolled
    assert person["label"] == LABEL and len(person["prints"]) == 1
    assert "vector" not in person["prints"][0] and person["prints"][0]["seconds"] > 10

    mid = _meeting(client, h, attendees="高橋\n山本")
    t = _transcript(client, h, mid)
    assert t["minutes"]["speakers"][0]["label"] == LABEL
    (match,) = client.get(f"/api/meetings/{mid}/voice-matches", headers=h).json()
    assert match["speaker"] == "SPEAKER_00" and match["status"] == "suggested" and match["mark"] in ("◎", "○")
    assert match["score"] > 0.9  # the same recording: near-identical prints

    r = client.post(
        f"/api/meetings/{mid}/voice-matches/SPEAKER_00/reject", headers=h, json={"base_revision": t["revision"]}
    )
    assert r.status_code == 200, r.text
    rejected = _transcript(client, h, mid)
    assert rejected["minutes"]["speakers"][0]["label"] == "話者1"
    assert (rejected["revision"], rejected["kind"]) == (r.json()["revision"], "voice")  # 版の履歴 says why
    assert client.get(f"/api/meetings/{mid}/voice-matches", headers=h).json()[0]["status"] == "rejected"
    with app.state.ctx.sessions() as db:
        actions = set(db.scalars(select(AuditLog.action)))
    assert {"voice_enrolled", "voice_matched", "voice_match_rejected"} <= actions


def test_attendee_list_without_the_person_leaves_the_speaker_unnamed(client, auth, enrolled) -> None:
    h = auth("staff_a")
    mid = _meeting(client, h, attendees="山田\n佐藤")
    assert _transcript(client, h, mid)["minutes"]["speakers"][0]["label"] == "話者1"
    assert client.get(f"/api/meetings/{mid}/voice-matches", headers=h).json() == []


def test_department_b_neither_sees_nor_matches_a_people(client, auth, enrolled) -> None:
    hb = auth("staff_b")
    _, person = enrolled
    mid = _meeting(client, hb, attendees="")
    assert _transcript(client, hb, mid)["minutes"]["speakers"][0]["label"] == "話者1"
    assert client.get("/api/voices/people", headers=hb).json() == []
    pid, vid = person["id"], person["prints"][0]["id"]
    assert client.patch(f"/api/voices/people/{pid}", headers=hb, json={"label": "乗っ取り"}).status_code == 404
    assert client.delete(f"/api/voices/people/{pid}", headers=hb).status_code == 404
    assert client.delete(f"/api/voices/prints/{vid}", headers=hb).status_code == 404
    a_meeting = enrolled[0]
    r = client.post(f"/api/meetings/{a_meeting}/voices/enrol", headers=hb, json={"speaker": "SPEAKER_00"})
    assert r.status_code == 404
    assert [p["label"] for p in client.get("/api/voices/people", headers=auth("staff_a")).json()] == [LABEL]


def test_deleting_a_person_removes_every_print_and_match(client, auth, enrolled, app) -> None:
    h = auth("staff_a")
    _, person = enrolled
    second = _meeting(client, h, attendees="")  # matched, then enrolled again: a second print
    r = client.post(f"/api/meetings/{second}/voices/enrol", headers=h, json={"speaker": "SPEAKER_00"})
    assert r.status_code == 201 and len(r.json()["prints"]) == 2
    assert client.delete(f"/api/voices/people/{person['id']}", headers=h).status_code == 204
    with app.state.ctx.sessions() as db:
        assert db.scalar(select(func.count()).select_from(VoicePerson)) == 0
        assert db.scalar(select(func.count()).select_from(VoicePrintRow)) == 0
        assert db.scalar(select(func.count()).select_from(VoiceMatchRow)) == 0
        assert "voice_person_deleted" in set(db.scalars(select(AuditLog.action)))


def test_rename_delete_one_print_and_sample_upload(client, auth, enrolled) -> None:
    h = auth("staff_a")
    _, person = enrolled
    r = client.patch(f"/api/voices/people/{person['id']}", headers=h, json={"label": "教育長（高橋一郎）"})
    assert r.status_code == 200 and r.json()["label"] == "教育長（高橋一郎）"
    files = {"file": ("sample.flac", VOICE, "audio/flac")}
    r = client.post("/api/voices/samples", headers=h, data={"label": "教育長（高橋一郎）"}, files=files)
    assert r.status_code == 201, r.text
    prints = r.json()["prints"]
    assert [p["source"] for p in prints] == ["第1回 総務委員会", "sample.flac"]  # the meeting, the upload
    assert client.delete(f"/api/voices/prints/{prints[0]['id']}", headers=h).status_code == 204
    (left,) = client.get("/api/voices/people", headers=h).json()
    assert [p["source"] for p in left["prints"]] == ["sample.flac"]


def test_unnamed_speaker_cannot_be_enrolled_and_clerks_cannot_enrol(client, auth, meeting_id) -> None:
    r = client.post(f"/api/meetings/{meeting_id}/voices/enrol", headers=auth("staff_a"), json={"speaker": "SPEAKER_00"})
    assert r.status_code == 422 and r.json()["error"] == "voice_speaker_unnamed"
    r = client.post(f"/api/meetings/{meeting_id}/voices/enrol", headers=auth("clerk_a"), json={"speaker": "SPEAKER_00"})
    assert r.status_code == 403
    assert client.get("/api/voices/people", headers=auth("clerk_a")).status_code == 403


def test_the_setting_turns_the_registry_off(tmp_path, pipeline) -> None:
    app = create_app(make_settings(tmp_path / "data", voice_profiles=False), pipeline_factory=lambda: pipeline)
    with TestClient(app) as client:
        seed_users(app)
        from svc_helpers import bearer

        h = bearer(client, "staff_a")
        assert client.get("/api/voices/people", headers=h).status_code == 404
        created = upload(client, h, VOICE).json()
        wait_job(client, h, created["job"]["id"], timeout=600)
        assert pipeline.received[-1].voices is None

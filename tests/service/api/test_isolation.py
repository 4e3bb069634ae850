"""Department isolation: every cross-department read or write answers 404."""

from __future__ import annotations

import pytest
from svc_helpers import upload, wait_job


@pytest.fixture
def b_meeting(client, auth):
    """A finished meeting in department B (議会事務局) with a vocabulary entry."""
    h = auth("staff_b")
    created = upload(client, h).json()
    wait_job(client, h, created["job"]["id"])
    vocab = client.post("/api/vocabulary", headers=h, json={"term": "本会議"}).json()
    return created["meeting"]["id"], created["job"]["id"], vocab["id"]


def test_cross_department_access_is_404(client, auth, b_meeting):
    mid, jid, vid = b_meeting
    h = auth("staff_a")
    attempts = [
        ("GET", f"/api/meetings/{mid}", None),
        ("PATCH", f"/api/meetings/{mid}", {"title": "乗っ取り"}),
        ("DELETE", f"/api/meetings/{mid}", None),
        ("DELETE", f"/api/meetings/{mid}/audio", None),
        ("GET", f"/api/meetings/{mid}/audio", None),
        ("GET", f"/api/meetings/{mid}/transcript", None),
        ("GET", f"/api/meetings/{mid}/transcript/revisions", None),
        (
            "PUT",
            f"/api/meetings/{mid}/transcript",
            {"base_revision": 1, "minutes": {"meeting": {}, "speakers": [], "turns": []}},
        ),
        ("GET", f"/api/meetings/{mid}/export/json", None),
        ("GET", f"/api/jobs/{jid}", None),
        ("GET", f"/api/jobs/{jid}/events", None),
        ("POST", f"/api/jobs/{jid}/cancel", None),
        ("POST", f"/api/jobs/{jid}/retry", None),
        ("POST", f"/api/jobs/{jid}/rerun", {"confirmed": True}),
        ("PATCH", f"/api/vocabulary/{vid}", {"term": "x"}),
        ("DELETE", f"/api/vocabulary/{vid}", None),
        ("GET", "/api/vocabulary?department_id=2", None),
        ("POST", "/api/vocabulary?department_id=2", {"term": "x"}),
    ]
    for method, url, body in attempts:
        r = client.request(method, url, headers=h, json=body)
        assert r.status_code == 404, (method, url, r.status_code, r.text)
        assert "見つかりません" in r.json()["detail"]
    assert upload(client, h, department_id="2").status_code == 404
    assert client.get("/api/meetings", headers=h).json()["items"] == []
    # nothing changed for the owner
    owner = client.get(f"/api/meetings/{mid}", headers=auth("staff_b")).json()
    assert owner["title"] == "第1回 総務委員会" and owner["audio_available"]
    assert [v["term"] for v in client.get("/api/vocabulary", headers=auth("staff_b")).json()] == ["本会議"]


def test_evaluator_without_department_sees_no_meetings_but_admin_sees_all(client, auth, b_meeting):
    mid, _, _ = b_meeting
    assert client.get("/api/meetings", headers=auth("evaluator")).json()["items"] == []
    assert client.get(f"/api/meetings/{mid}", headers=auth("evaluator")).status_code == 404
    assert [m["id"] for m in client.get("/api/meetings", headers=auth("admin")).json()["items"]] == [mid]


def test_clerk_cannot_edit_or_export(client, auth):
    h = auth("clerk_a")
    created = upload(client, h).json()
    wait_job(client, h, created["job"]["id"])
    mid = created["meeting"]["id"]
    minutes = client.get(f"/api/meetings/{mid}/transcript", headers=h).json()["minutes"]
    r = client.put(f"/api/meetings/{mid}/transcript", headers=h, json={"base_revision": 1, "minutes": minutes})
    assert r.status_code == 403 and "権限" in r.json()["detail"]
    assert client.get(f"/api/meetings/{mid}/export/txt", headers=h).status_code == 403
    assert client.post("/api/vocabulary", headers=h, json={"term": "x"}).status_code == 403

"""Transcript revisions: optimistic concurrency, history, exports."""

from __future__ import annotations

import threading


def _edited(client, h, mid, text):
    minutes = client.get(f"/api/meetings/{mid}/transcript", headers=h).json()["minutes"]
    minutes["turns"][0]["clean_text"] = text
    return minutes


def test_same_base_revision_one_wins_one_conflicts(client, auth, meeting_id):
    url = f"/api/meetings/{meeting_id}/transcript"
    h = auth("staff_a")
    a = client.put(url, headers=h, json={"base_revision": 1, "minutes": _edited(client, h, meeting_id, "Aの修正")})
    b = client.put(url, headers=h, json={"base_revision": 1, "minutes": _edited(client, h, meeting_id, "Bの修正")})
    assert a.status_code == 200 and a.json()["revision"] == 2 and a.json()["base_revision"] == 1
    assert b.status_code == 409 and b.json()["error"] == "stale_revision"
    assert "他の人が先に保存しました" in b.json()["detail"]
    # nothing lost: the draft and A's edit are both still there
    assert client.get(url, headers=h).json()["minutes"]["turns"][0]["clean_text"] == "Aの修正"
    r1 = client.get(f"{url}?revision=1", headers=h).json()
    assert r1["minutes"]["turns"][0]["clean_text"] == "本日の委員会を開会します。"
    revs = client.get(f"{url}/revisions", headers=h).json()
    assert [(r["revision"], r["author"]) for r in revs] == [(1, None), (2, "staff_a")]
    # B reloads and saves on top of 2
    c = client.put(url, headers=h, json={"base_revision": 2, "minutes": _edited(client, h, meeting_id, "Bの修正")})
    assert c.status_code == 200 and c.json()["revision"] == 3


def test_concurrent_saves_race(client, auth, meeting_id):
    """Many clients save on base 1 at the same moment: exactly one wins."""
    url = f"/api/meetings/{meeting_id}/transcript"
    h = auth("staff_a")
    bodies = [{"base_revision": 1, "minutes": _edited(client, h, meeting_id, f"版{i}")} for i in range(6)]
    results: list[int] = []
    barrier = threading.Barrier(len(bodies))

    def save(body):
        barrier.wait()
        results.append(client.put(url, headers=h, json=body).status_code)

    threads = [threading.Thread(target=save, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 5
    assert [r["revision"] for r in client.get(f"{url}/revisions", headers=h).json()] == [1, 2]


def test_malformed_minutes_and_missing_revision(client, auth, meeting_id):
    url = f"/api/meetings/{meeting_id}/transcript"
    h = auth("staff_a")
    r = client.put(url, headers=h, json={"base_revision": 1, "minutes": {"turns": [{"start": 1}]}})
    assert r.status_code == 422 and r.json()["error"] == "invalid_minutes"
    assert client.get(f"{url}?revision=9", headers=h).status_code == 404


def test_exports_are_audited(client, auth, meeting_id, app):
    from sqlalchemy import select

    from service.db.models import AuditLog

    h = auth("staff_a")
    for fmt, fragment in [
        ("txt", "本日の委員会を開会します".encode()),
        ("json", b'"turns"'),
        ("srt", b"-->"),
        ("vtt", b"WEBVTT"),
    ]:
        r = client.get(f"/api/meetings/{meeting_id}/export/{fmt}", headers=h)
        assert r.status_code == 200, (fmt, r.text)
        assert fragment in r.content
        assert "attachment" in r.headers["content-disposition"]
    docx = client.get(f"/api/meetings/{meeting_id}/export/docx", headers=h)
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get(f"/api/meetings/{meeting_id}/export/pdf", headers=h).status_code == 422
    with app.state.ctx.sessions() as db:
        formats = [d["format"] for d in db.scalars(select(AuditLog.detail).where(AuditLog.action == "exported"))]
    assert sorted(formats) == ["docx", "json", "srt", "txt", "vtt"]


def test_revision_list_says_how_each_version_came_to_be(client, auth, meeting_id):
    """The editor's 版の履歴 tells the draft, manual saves, autosaves and restores apart (issue 14, item 9)."""
    url = f"/api/meetings/{meeting_id}/transcript"
    h = auth("staff_a")
    for base, kind in ((1, "autosave"), (2, "manual"), (3, "restore")):
        body = {"base_revision": base, "minutes": _edited(client, h, meeting_id, f"版{base}"), "kind": kind}
        assert client.put(url, headers=h, json=body).json()["kind"] == kind
    body = {"base_revision": 4, "minutes": _edited(client, h, meeting_id, "古いクライアント")}  # no kind: a save
    assert client.put(url, headers=h, json=body).status_code == 200
    revs = client.get(f"{url}/revisions", headers=h).json()
    assert [r["kind"] for r in revs] == ["draft", "autosave", "manual", "restore", "manual"]
    # only the pipeline writes drafts
    bad = {"base_revision": 5, "minutes": _edited(client, h, meeting_id, "x"), "kind": "draft"}
    assert client.put(url, headers=h, json=bad).status_code == 422

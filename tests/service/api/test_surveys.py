"""Surveys, editing-time logging and month closing (issue 6)."""

from __future__ import annotations

import pytest
from kpi_helpers import answer, jst, seed_meeting


@pytest.fixture
def march(app, client):
    """A 総務課 meeting processed on 2025-03-31 23:30 JST (March of 令和6年度)."""
    return seed_meeting(app, "総務課", jst(2025, 3, 31, 23, 30), processing_seconds=300)


def test_survey_round_trip_and_negative_time_saved(client, auth, march):
    h = auth("staff_a")
    empty = client.get(f"/api/meetings/{march}/survey", headers=h).json()
    assert empty["answered"] is False and empty["survey"] is None
    assert empty["month_label"] == "令和7年3月" and empty["closed"] is False
    assert empty["processing_seconds"] == 300.0 and empty["minutes_saved"] is None
    assert [c["label"] for c in empty["satisfaction_choices"]] == [
        "大変満足",
        "満足",
        "どちらともいえない",
        "不満",
        "大変不満",
    ]
    assert [c["label"] for c in empty["continued_use_choices"]] == ["はい", "いいえ", "わからない"]

    # 30 + 20 + 10 minutes of editing (accumulated), 15 review: 40 − (60 + 15) = −35
    answer(client, h, march, "satisfied", "yes", estimated=40, review=15, editing=(1800, 1200, 600), comment=" 便利 ")
    got = client.get(f"/api/meetings/{march}/survey", headers=h).json()
    assert got["answered"] is True
    assert got["survey"]["satisfaction_label"] == "満足" and got["survey"]["continued_use_label"] == "はい"
    assert got["survey"]["comment"] == "便利"
    assert got["editing_seconds"] == 3600.0
    assert got["minutes_saved"] == -35.0 and got["negative"] is True  # kept negative, flagged

    # editable: a second PUT replaces the answers (still one row per user × meeting)
    answer(client, h, march, "very_satisfied", "unsure", estimated=120)
    got = client.get(f"/api/meetings/{march}/survey", headers=h).json()
    assert got["survey"]["satisfaction"] == "very_satisfied" and got["survey"]["review_minutes"] == 0.0
    assert got["minutes_saved"] == 60.0 and got["negative"] is False  # 120 − 60
    # another user's survey of the same meeting is separate
    other = client.get(f"/api/meetings/{march}/survey", headers=auth("clerk_a")).json()
    assert other["answered"] is False and other["editing_seconds"] == 0.0


def test_survey_validation(client, auth, march):
    h = auth("staff_a")
    bad = [
        {"satisfaction": "great", "continued_use": "yes", "estimated_minutes": 10},
        {"satisfaction": "satisfied", "continued_use": "maybe", "estimated_minutes": 10},
        {"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": -1},
        {"satisfaction": "satisfied", "continued_use": "yes"},
        {"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": 10, "review_minutes": -5},
    ]
    for body in bad:
        r = client.put(f"/api/meetings/{march}/survey", headers=h, json=body)
        assert r.status_code == 422, body
        assert "入力内容に誤りがあります" in r.json()["detail"]


def test_editing_time_limits_per_call(client, auth, march):
    h = auth("staff_a")
    url = f"/api/meetings/{march}/editing-time"
    for seconds in (0, -1, 3600.5):
        assert client.post(url, headers=h, json={"active_seconds": seconds}).status_code == 422
    assert client.post(url, headers=h, json={"active_seconds": 3600}).json() == {
        "meeting_id": march,
        "total_seconds": 3600.0,
    }
    assert client.post(url, headers=h, json={"active_seconds": 0.5}).json()["total_seconds"] == 3600.5


def test_not_processed_meeting_is_409(app, client, auth):
    mid = seed_meeting(app, "総務課", None)
    h = auth("staff_a")
    assert client.get(f"/api/meetings/{mid}/survey", headers=h).json()["month_label"] is None
    r = client.put(
        f"/api/meetings/{mid}/survey",
        headers=h,
        json={"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": 10},
    )
    assert r.status_code == 409 and r.json()["error"] == "not_processed"
    assert "文字起こしが完了していない" in r.json()["detail"]
    r = client.post(f"/api/meetings/{mid}/editing-time", headers=h, json={"active_seconds": 5})
    assert r.status_code == 409


def test_other_department_cannot_read_or_answer(client, auth, march):
    h = auth("staff_b")
    assert client.get(f"/api/meetings/{march}/survey", headers=h).status_code == 404
    r = client.put(
        f"/api/meetings/{march}/survey",
        headers=h,
        json={"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": 10},
    )
    assert r.status_code == 404
    assert client.post(f"/api/meetings/{march}/editing-time", headers=h, json={"active_seconds": 5}).status_code == 404


def test_department_month_close_blocks_edits_until_reopened(app, client, auth, march):
    h, admin = auth("staff_a"), auth("admin")
    april = seed_meeting(app, "総務課", jst(2025, 4, 1, 0, 30))  # 令和7年度 April: not closed
    b_march = seed_meeting(app, "議会事務局", jst(2025, 3, 10, 9, 0))  # other department: not closed
    answer(client, h, march, "satisfied", "yes", estimated=60)

    assert (
        client.post("/api/reports/closures", headers=h, json={"year": 2025, "month": 3, "department_id": 1}).status_code
        == 403
    )
    r = client.post("/api/reports/closures", headers=admin, json={"year": 2025, "month": 3, "department_id": 1})
    assert r.status_code == 201, r.text
    closure = r.json()
    assert (closure["label"], closure["department"]) == ("令和7年3月", "総務課")
    dup = client.post("/api/reports/closures", headers=admin, json={"year": 2025, "month": 3, "department_id": 1})
    assert dup.status_code == 409 and "すでに締め済み" in dup.json()["detail"]

    r = client.put(
        f"/api/meetings/{march}/survey",
        headers=h,
        json={"satisfaction": "very_dissatisfied", "continued_use": "no", "estimated_minutes": 1},
    )
    assert r.status_code == 409
    ja = "令和7年3月分は締め済みのため、変更できません。変更が必要な場合は管理者に締めの解除を依頼してください。"
    en = "The month (令和7年3月) is closed; ask an administrator to reopen it."
    assert r.json() == {"error": "month_closed", "message_ja": ja, "message_en": en, "detail": f"{ja}（{en}）"}
    assert client.post(f"/api/meetings/{march}/editing-time", headers=h, json={"active_seconds": 5}).status_code == 409
    got = client.get(f"/api/meetings/{march}/survey", headers=h).json()
    assert got["closed"] is True and got["survey"]["satisfaction"] == "satisfied"  # unchanged
    answer(client, h, april, "satisfied", "yes", estimated=10)  # April is open
    answer(client, auth("staff_b"), b_march, "satisfied", "yes", estimated=10)  # 議会事務局's March is open

    assert client.delete(f"/api/reports/closures/{closure['id']}", headers=h).status_code == 403
    assert client.delete(f"/api/reports/closures/{closure['id']}", headers=admin).status_code == 204
    answer(client, h, march, "very_satisfied", "yes", estimated=60)


def test_whole_month_close_covers_every_department(app, client, auth):
    a = seed_meeting(app, "総務課", jst(2024, 6, 3, 10))
    b = seed_meeting(app, "議会事務局", jst(2024, 6, 28, 10))
    admin = auth("admin")
    r = client.post("/api/reports/closures", headers=admin, json={"year": 2024, "month": 6})
    assert r.status_code == 201 and r.json()["department"] is None
    assert client.post("/api/reports/closures", headers=admin, json={"year": 2024, "month": 6}).status_code == 409
    for user, mid in (("staff_a", a), ("staff_b", b)):
        r = client.put(
            f"/api/meetings/{mid}/survey",
            headers=auth(user),
            json={"satisfaction": "satisfied", "continued_use": "yes", "estimated_minutes": 10},
        )
        assert r.status_code == 409 and "令和6年6月分は締め済み" in r.json()["detail"]
    listed = client.get("/api/reports/closures", headers=auth("evaluator")).json()
    assert [(c["year"], c["month"], c["department_id"]) for c in listed] == [(2024, 6, None)]
    assert client.get("/api/reports/closures", headers=auth("clerk_a")).status_code == 403


def test_only_users_who_may_edit_log_editing_time(client, auth, march):
    """Clerks and evaluators open the draft read-only: their time on it is not editing time and
    must not shrink the hours saved (service.kpi.figures.minutes_saved)."""
    url = f"/api/meetings/{march}/editing-time"
    r = client.post(url, headers=auth("clerk_a"), json={"active_seconds": 60})  # sees the meeting, may not edit
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    staff = auth("staff_a")
    assert client.post(url, headers=staff, json={"active_seconds": 5}).json()["total_seconds"] == 5.0

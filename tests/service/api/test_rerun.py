"""再処理 of a finished meeting (issue 15): a new job runs with the materials added since the draft,
its draft becomes the latest revision and the earlier ones stay; a re-run over staff edits needs
``confirmed``; other states, old jobs, deleted audio and roles without upload are refused."""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import select, update
from svc_helpers import PASSWORD, wait_job

from service.bootstrap import create_user
from service.db.base import utcnow
from service.db.models import AuditLog, Job, Meeting, Role
from service.kpi.surveys import processing

AGENDA = "産業振興委員会　資料\n1　島本町と千早赤阪村の連携事業\n".encode()


def _latest_job(client, h, meeting_id: int) -> dict:
    return client.get(f"/api/meetings/{meeting_id}", headers=h).json()["latest_job"]


def _revisions(client, h, meeting_id: int) -> list[tuple[int, str, int | None]]:
    rows = client.get(f"/api/meetings/{meeting_id}/transcript/revisions", headers=h).json()
    return [(r["revision"], r["kind"], r["base_revision"]) for r in rows]


def _rerun(client, h, job_id: int, **body):
    return client.post(f"/api/jobs/{job_id}/rerun", headers=h, json=body or None)


def test_a_done_meeting_reruns_with_materials_added_since_and_keeps_the_old_draft(
    client, auth, app, pipeline, meeting_id
) -> None:
    clerk = auth("clerk_a")
    first = _latest_job(client, clerk, meeting_id)
    assert pipeline.received[-1].materials is None
    files = [("files", ("agenda.txt", AGENDA, "text/plain"))]
    assert client.post(f"/api/meetings/{meeting_id}/materials", headers=clerk, files=files).status_code == 201
    assert client.post(f"/api/jobs/{first['id']}/retry", headers=clerk).status_code == 409  # retry stays for failures

    r = _rerun(client, clerk, first["id"])
    assert r.status_code == 201, r.text
    second = r.json()
    assert (
        second["id"] != first["id"] and second["meeting_id"] == meeting_id and second["status"] in ("queued", "running")
    )
    assert wait_job(client, clerk, second["id"])["status"] == "done"

    materials = pipeline.received[-1].materials
    assert materials is not None and "千早赤阪村" in {t.surface for t in materials.terms}
    assert _revisions(client, clerk, meeting_id) == [(1, "draft", None), (2, "draft", 1)]
    assert client.get(f"/api/meetings/{meeting_id}/transcript", headers=clerk).json()["revision"] == 2
    assert client.get(f"/api/meetings/{meeting_id}/transcript?revision=1", headers=clerk).status_code == 200
    assert _latest_job(client, clerk, meeting_id)["id"] == second["id"]
    # the first job keeps its times: the KPI reports date the meeting by its first finished job
    assert client.get(f"/api/jobs/{first['id']}", headers=clerk).json() == first
    with app.state.ctx.sessions() as db:
        dated = processing(db, meeting_id)
        assert dated is not None and dated.finished_at == dt.datetime.fromisoformat(first["finished_at"])
        audit = db.scalar(select(AuditLog).where(AuditLog.action == "job_rerun"))
    assert audit is not None and audit.username == "clerk_a" and audit.target_id == meeting_id
    assert audit.detail == {
        "job_id": second["id"],
        "previous_job_id": first["id"],
        "replaced_revision": 1,
        "over_staff_edits": False,
    }


def test_a_rerun_over_staff_edits_needs_confirmation_and_keeps_them_in_the_history(
    client, auth, app, meeting_id
) -> None:
    staff, clerk = auth("staff_a"), auth("clerk_a")
    minutes = client.get(f"/api/meetings/{meeting_id}/transcript", headers=staff).json()["minutes"]
    minutes["turns"][0]["text"] = "職員が直した発言です。"
    saved = client.put(
        f"/api/meetings/{meeting_id}/transcript", headers=staff, json={"base_revision": 1, "minutes": minutes}
    )
    assert saved.status_code == 200, saved.text
    job = _latest_job(client, clerk, meeting_id)

    for body in ({}, {"confirmed": False}):
        r = _rerun(client, clerk, job["id"], **body)
        assert r.status_code == 409 and r.json()["error"] == "rerun_needs_confirmation"
        assert "第2版" in r.json()["message_ja"] and "confirmed=true" in r.json()["message_en"]
    assert _latest_job(client, clerk, meeting_id)["id"] == job["id"]  # nothing was queued

    r = _rerun(client, clerk, job["id"], confirmed=True)
    assert r.status_code == 201, r.text
    assert wait_job(client, clerk, r.json()["id"])["status"] == "done"
    assert _revisions(client, clerk, meeting_id) == [(1, "draft", None), (2, "manual", 1), (3, "draft", 2)]
    edited = client.get(f"/api/meetings/{meeting_id}/transcript?revision=2", headers=staff).json()["minutes"]
    assert edited["turns"][0]["text"] == "職員が直した発言です。"
    with app.state.ctx.sessions() as db:
        audit = db.scalar(select(AuditLog).where(AuditLog.action == "job_rerun"))
    assert audit is not None and audit.detail["over_staff_edits"] is True and audit.detail["replaced_revision"] == 2


def _wait_running(client, headers, job_id: int) -> None:
    """Until the worker has picked the job up (the scripted pipeline then holds it for its delay)."""
    deadline = time.monotonic() + 10
    while client.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_staff_edits_saved_while_a_rerun_runs_stay_the_latest_and_its_draft_is_kept(
    client, auth, app, pipeline, meeting_id
) -> None:
    """Nothing staff save during a 再処理 is replaced silently: the re-run's draft goes into the
    history, a copy of their edits on top of it, and the meeting says where the draft is."""
    staff, clerk = auth("staff_a"), auth("clerk_a")
    first = _latest_job(client, clerk, meeting_id)
    pipeline.delay = 3
    second = _rerun(client, clerk, first["id"]).json()
    _wait_running(client, clerk, second["id"])
    minutes = client.get(f"/api/meetings/{meeting_id}/transcript", headers=staff).json()["minutes"]
    minutes["turns"][0]["text"] = "再処理の間に職員が直した発言です。"
    saved = client.put(
        f"/api/meetings/{meeting_id}/transcript", headers=staff, json={"base_revision": 1, "minutes": minutes}
    )
    assert saved.status_code == 200, saved.text
    assert wait_job(client, clerk, second["id"])["status"] == "done"

    assert _revisions(client, staff, meeting_id) == [
        (1, "draft", None),
        (2, "manual", 1),
        (3, "draft", 2),
        (4, "kept", 3),
    ]
    latest = client.get(f"/api/meetings/{meeting_id}/transcript", headers=staff).json()
    assert (latest["revision"], latest["kind"], latest["base_revision"], latest["author"]) == (4, "kept", 3, "staff_a")
    assert latest["minutes"]["turns"][0]["text"] == "再処理の間に職員が直した発言です。"
    draft = client.get(f"/api/meetings/{meeting_id}/transcript?revision=3", headers=staff).json()
    assert draft["minutes"]["turns"][0]["text"] == "本日の委員会を開会します。"
    meeting = client.get(f"/api/meetings/{meeting_id}", headers=clerk).json()
    assert (meeting["latest_revision"], meeting["rerun_draft_revision"]) == (4, 3)

    saved = client.put(
        f"/api/meetings/{meeting_id}/transcript", headers=staff, json={"base_revision": 4, "minutes": minutes}
    )
    assert saved.status_code == 200, saved.text
    meeting = client.get(f"/api/meetings/{meeting_id}", headers=clerk).json()
    assert (meeting["latest_revision"], meeting["rerun_draft_revision"]) == (5, None)  # the notice has done its job


def test_only_the_latest_finished_job_reruns(client, auth, pipeline, meeting_id) -> None:
    h = auth("clerk_a")
    first = _latest_job(client, h, meeting_id)
    pipeline.delay = 3
    second = _rerun(client, h, first["id"]).json()
    _wait_running(client, h, second["id"])
    for job_id in (second["id"], first["id"]):  # running; finished but no longer the latest
        r = _rerun(client, h, job_id, confirmed=True)
        assert r.status_code == 409 and r.json()["error"] == "job_not_rerunnable"
        assert "再処理" in r.json()["message_ja"] and "re-run" in r.json()["message_en"]
    pipeline.delay = 0
    assert client.post(f"/api/jobs/{second['id']}/cancel", headers=h).status_code == 200
    r = _rerun(client, h, second["id"])  # cancelled: that is 再実行's (retry)
    assert r.status_code == 409 and r.json()["error"] == "job_not_rerunnable"
    assert pipeline.wait_ended(2)


def test_a_meeting_whose_audio_was_deleted_cannot_rerun(client, auth, app, meeting_id) -> None:
    h = auth("staff_a")
    job = _latest_job(client, h, meeting_id)
    with app.state.ctx.sessions() as db:
        db.execute(update(Meeting).where(Meeting.id == meeting_id).values(audio_deleted_at=utcnow()))
        db.commit()
    r = _rerun(client, h, job["id"])
    assert r.status_code == 409 and r.json()["error"] == "audio_missing"
    assert _latest_job(client, h, meeting_id)["id"] == job["id"]


def test_rerun_needs_the_upload_permission_and_the_meetings_department(client, auth, app, meeting_id) -> None:
    job = _latest_job(client, auth("staff_a"), meeting_id)
    with app.state.ctx.sessions() as db:
        create_user(db, "evaluator_a", PASSWORD, Role.evaluator, "総務課")
        db.commit()
    r = _rerun(client, auth("evaluator_a"), job["id"])
    assert r.status_code == 403 and r.json()["error"] == "forbidden"
    assert _rerun(client, auth("staff_b"), job["id"]).status_code == 404
    with app.state.ctx.sessions() as db:
        assert db.scalar(select(Job.id).where(Job.meeting_id == meeting_id, Job.id != job["id"])) is None


def test_two_reruns_at_the_same_moment_start_one_job(client, auth, app, meeting_id) -> None:
    """The second waits on the first's insert and then sees its job (``rerun``'s check runs after
    its own insert): one new job, one 409."""
    import threading

    from models.errors import GijirokuError
    from service.jobs.rerun import rerun

    ctx = app.state.ctx
    job_id = _latest_job(client, auth("clerk_a"), meeting_id)["id"]
    outcome: list[str] = []
    with ctx.sessions() as first:
        rerun(first, ctx.settings, first.get(Job, job_id), confirmed=False)  # inserted, not committed

        def second() -> None:
            with ctx.sessions() as db:
                try:
                    rerun(db, ctx.settings, db.get(Job, job_id), confirmed=False)
                    db.commit()
                    outcome.append("started")
                except GijirokuError as exc:
                    outcome.append(exc.code)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the first one's write
        first.commit()
    thread.join(30)
    assert outcome == ["job_not_rerunnable"]
    with ctx.sessions() as db:
        assert len(db.scalars(select(Job.id).where(Job.meeting_id == meeting_id)).all()) == 2

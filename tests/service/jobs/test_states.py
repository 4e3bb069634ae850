"""Job state changes (``service.jobs.states``): the transitions the runner, the API, start-up
recovery and the maintenance sweep share, and the crash-loop cap: a job whose worker keeps dying
is failed with a message instead of being re-queued forever."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fake_pipeline import FakePipeline
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from svc_helpers import bearer, make_settings, seed_users, upload, wait_job

from models.errors import GijirokuError
from models.pipeline import NoSpeechError
from models.types import RecordingQuality
from service.app import create_app
from service.config import Settings
from service.db.base import utcnow
from service.db.models import Job, JobStatus, TranscriptRevision, User
from service.jobs import states


@pytest.fixture
def queued_job(client: TestClient, auth, app: FastAPI) -> int:
    """A job left queued: the in-process workers are stopped before the upload."""
    app.state.ctx.queue.stop()
    return upload(client, auth("clerk_a")).json()["job"]["id"]


def _job(app: FastAPI, job_id: int) -> Job:
    with app.state.ctx.sessions() as db:
        job = db.get(Job, job_id)
        assert job is not None
        db.expunge(job)
        return job


def _set(app: FastAPI, job_id: int, **values: Any) -> None:
    with app.state.ctx.sessions() as db:
        db.execute(update(Job).where(Job.id == job_id).values(**values))
        db.commit()


def _change(app: FastAPI, change: Any, *args: Any) -> Any:
    with app.state.ctx.sessions() as db:
        result = change(db, *args)
        db.commit()
        return result


def test_claim_then_the_attempt_owns_the_job_until_cancelled(app, queued_job) -> None:
    settings = app.state.ctx.settings
    attempt = _change(app, states.claim, settings, queued_job)
    assert attempt == 1 and _job(app, queued_job).status == JobStatus.running
    assert _change(app, states.claim, settings, queued_job) is None  # taken: a duplicate message is a no-op
    assert _change(app, states.heartbeat, queued_job, attempt, "transcribe", 40.0) is True
    assert _change(app, states.cancel, queued_job) is True
    assert _change(app, states.heartbeat, queued_job, attempt, "transcribe", 50.0) is False
    assert _change(app, states.finish_done, queued_job, attempt, {"turns": []}) is None
    job = _job(app, queued_job)
    assert (job.status, job.percent) == (JobStatus.cancelled, 40.0)
    assert _change(app, states.cancel, queued_job) is False  # already over


def test_retry_starts_from_a_clean_row_and_a_stale_attempt_cannot_finish(app, queued_job) -> None:
    settings = app.state.ctx.settings
    first = _change(app, states.claim, settings, queued_job)
    _change(
        app,
        states.finish_failed,
        queued_job,
        first,
        GijirokuError("silence", "音声が無音です。", "The recording is silent."),
    )
    failed = _job(app, queued_job)
    assert failed.status == JobStatus.failed and failed.error_code == "silence" and failed.finished_at
    assert _change(app, states.retry, queued_job) is True
    job = _job(app, queued_job)
    assert (job.status, job.stage, job.percent, job.error, job.error_code, job.finished_at) == (
        JobStatus.queued,
        "",
        0.0,
        None,
        None,
        None,
    )
    assert _change(app, states.retry, queued_job) is False  # only failed or cancelled jobs
    second = _change(app, states.claim, settings, queued_job)
    assert second == 2
    assert _change(app, states.finish_done, queued_job, first, {"turns": []}) is None  # the old attempt
    assert _change(app, states.finish_done, queued_job, second, {"turns": []}) == states.Stored(draft=1)
    with app.state.ctx.sessions() as db:
        assert db.query(TranscriptRevision).count() == 1


def _revisions(app: FastAPI, meeting_id: int) -> list[tuple[int, str, int | None, int | None, str]]:
    with app.state.ctx.sessions() as db:
        rows = db.scalars(
            select(TranscriptRevision)
            .where(TranscriptRevision.meeting_id == meeting_id)
            .order_by(TranscriptRevision.revision)
        )
        return [(r.revision, r.kind, r.base_revision, r.author_id, r.minutes["turns"][0]["text"]) for r in rows]


def _minutes(text: str) -> dict[str, Any]:
    return {"turns": [{"speaker": "SPEAKER_00", "start": 0.0, "end": 1.0, "text": text}]}


def test_a_rerun_keeps_staff_edits_saved_while_it_ran_as_the_latest(app, queued_job) -> None:
    """再処理 asked for over revision 1; staff save revision 2 while it is queued. Its draft becomes
    revision 3 (kept in the history) and a copy of their revision 2 goes on top as revision 4."""
    settings = app.state.ctx.settings
    assert _change(
        app, states.finish_done, queued_job, _change(app, states.claim, settings, queued_job), _minutes("下書き")
    ) == states.Stored(draft=1)
    _set(app, queued_job, status=JobStatus.queued, replaces_revision=1)  # a re-run asked for over revision 1
    with app.state.ctx.sessions() as db:
        meeting_id = db.get(Job, queued_job).meeting_id
        staff = db.scalar(select(User.id).where(User.username == "staff_a"))
        db.add(
            TranscriptRevision(
                meeting_id=meeting_id, revision=2, base_revision=1, minutes=_minutes("職員の修正"), author_id=staff
            )
        )
        db.commit()
    attempt = _change(app, states.claim, settings, queued_job)
    stored = _change(app, states.finish_done, queued_job, attempt, _minutes("再処理の下書き"))
    assert stored == states.Stored(draft=3, kept=4)
    assert _revisions(app, meeting_id) == [
        (1, "draft", None, None, "下書き"),
        (2, "manual", 1, staff, "職員の修正"),
        (3, "draft", 2, None, "再処理の下書き"),
        (4, "kept", 3, staff, "職員の修正"),
    ]


def test_a_rerun_over_an_unchanged_revision_puts_its_draft_on_top(app, queued_job) -> None:
    """Nobody saved since the re-run was asked for, over staff edits (confirmed) or over a draft."""
    settings = app.state.ctx.settings
    _change(app, states.finish_done, queued_job, _change(app, states.claim, settings, queued_job), _minutes("下書き"))
    with app.state.ctx.sessions() as db:
        meeting_id = db.get(Job, queued_job).meeting_id
        db.add(TranscriptRevision(meeting_id=meeting_id, revision=2, base_revision=1, minutes=_minutes("職員の修正")))
        db.commit()
    for replaces, draft in ((2, 3), (3, 4)):  # staff's revision 2, then the draft 3 of the first re-run
        _set(app, queued_job, status=JobStatus.queued, replaces_revision=replaces)
        attempt = _change(app, states.claim, settings, queued_job)
        assert _change(app, states.finish_done, queued_job, attempt, _minutes("再処理")) == states.Stored(draft=draft)
    assert [r[:2] for r in _revisions(app, meeting_id)] == [(1, "draft"), (2, "manual"), (3, "draft"), (4, "draft")]


def test_a_recording_with_no_speech_fails_with_its_quality_and_advice(app, queued_job) -> None:
    """The clerk of a failed upload sees why (recording level, noise) on the meeting page."""
    quality = RecordingQuality(-52.0, 3.0, None, 0.0, 3000.0, "poor", ("録音レベルが低すぎます。",))
    attempt = _change(app, states.claim, app.state.ctx.settings, queued_job)
    assert _change(app, states.finish_failed, queued_job, attempt, NoSpeechError(quality)) is True
    job = _job(app, queued_job)
    assert job.error_code == "no_speech" and "録音レベルが低すぎます。" in job.error_ja
    assert RecordingQuality.from_dict(job.recording_quality) == quality


def test_a_stale_job_out_of_attempts_is_not_claimed_again(app, queued_job) -> None:
    settings: Settings = app.state.ctx.settings
    long_ago = utcnow() - dt.timedelta(minutes=settings.job_stale_minutes + 1)
    _set(app, queued_job, status=JobStatus.running, attempts=settings.job_max_attempts - 1, heartbeat_at=long_ago)
    assert _change(app, states.claim, settings, queued_job) == settings.job_max_attempts  # a redelivered message
    _set(app, queued_job, heartbeat_at=long_ago)
    assert _change(app, states.claim, settings, queued_job) is None
    assert _job(app, queued_job).attempts == settings.job_max_attempts


@pytest.mark.parametrize("local_worker", [True, False])
def test_an_orphan_started_max_attempts_times_is_failed_not_requeued(app, queued_job, local_worker) -> None:
    settings: Settings = app.state.ctx.settings
    long_ago = utcnow() - dt.timedelta(minutes=settings.job_stale_minutes + 1)
    _set(
        app,
        queued_job,
        status=JobStatus.running,
        attempts=settings.job_max_attempts,
        heartbeat_at=long_ago,
        stage="transcribe",
    )
    assert queued_job not in _change(app, lambda db: states.requeue_orphans(db, settings, local_worker=local_worker))
    job = _job(app, queued_job)
    assert job.status == JobStatus.failed and job.error_code == "interrupted_repeatedly" and job.finished_at
    assert "処理が繰り返し中断されたため停止しました" in job.error and "interrupted 3 times" in job.error
    assert _change(app, states.retry, queued_job) is True  # the user may still give it one more start


def test_a_retried_job_gets_the_full_number_of_starts_again(app, queued_job) -> None:
    """After staff retry a job the cap counts from the retry: one more lost worker re-queues it
    (the attempt number itself keeps growing, since it is also the lease)."""
    settings: Settings = app.state.ctx.settings
    long_ago = utcnow() - dt.timedelta(minutes=settings.job_stale_minutes + 1)
    _set(app, queued_job, status=JobStatus.failed, attempts=settings.job_max_attempts)
    assert _change(app, states.retry, queued_job) is True
    attempt = _change(app, states.claim, settings, queued_job)
    assert attempt == settings.job_max_attempts + 1
    _set(app, queued_job, heartbeat_at=long_ago)  # its worker died
    assert _change(app, lambda db: states.requeue_orphans(db, settings, local_worker=False)) == [queued_job]
    assert _job(app, queued_job).status == JobStatus.queued
    _set(app, queued_job, status=JobStatus.running, heartbeat_at=long_ago)
    assert _change(app, states.claim, settings, queued_job) == attempt + 1  # a stale one is taken over


def test_an_orphan_with_attempts_left_is_requeued(app, queued_job) -> None:
    settings: Settings = app.state.ctx.settings
    long_ago = utcnow() - dt.timedelta(minutes=settings.job_stale_minutes + 1)
    _set(
        app,
        queued_job,
        status=JobStatus.running,
        attempts=settings.job_max_attempts - 1,
        heartbeat_at=long_ago,
        stage="draft",
        percent=99.0,
    )
    assert _change(app, lambda db: states.requeue_orphans(db, settings, local_worker=False)) == [queued_job]
    job = _job(app, queued_job)
    assert (job.status, job.stage, job.percent) == (JobStatus.queued, "", 0.0)


@pytest.fixture
def restart(tmp_path: Path) -> Iterator[Any]:
    """Start the single-machine service on one data dir as often as a test wants."""
    settings = make_settings(tmp_path / "data", job_max_attempts=2)
    apps: list[FastAPI] = []

    def start() -> TestClient:
        apps.append(create_app(settings, pipeline_factory=FakePipeline))
        return TestClient(apps[-1])

    yield start
    for app in apps:
        app.state.ctx.engine.dispose()


def test_a_job_whose_worker_keeps_dying_fails_after_max_attempts_at_start_up(restart) -> None:
    """Each start finds the job its last worker left running; the cap is GIJIROKU_JOB_MAX_ATTEMPTS."""
    with restart() as c:
        app = c.app
        seed_users(app)
        h = bearer(c, "clerk_a")
        app.state.ctx.queue.stop()
        loops, fine = (upload(c, h, title=t).json()["job"]["id"] for t in ("落ちる会議", "普通の会議"))
    for attempts in (1, 2):  # a worker claimed the job, then the machine went down
        _set(app, loops, status=JobStatus.running, attempts=attempts, stage="transcribe")
        _set(app, fine, status=JobStatus.running, attempts=1, stage="transcribe")
        with restart() as c:
            app = c.app
            if attempts == 1:  # first restart: both are run again
                assert wait_job(c, h, loops)["status"] == "done" and wait_job(c, h, fine)["status"] == "done"
            else:  # second: the one out of attempts is failed, the other still re-queued
                job = wait_job(c, h, loops)
                assert (
                    job["status"] == "failed" and job["attempts"] == 2 and job["error_code"] == "interrupted_repeatedly"
                )
                assert "処理が繰り返し中断されたため停止しました" in job["error"]
                assert wait_job(c, h, fine)["status"] == "done"

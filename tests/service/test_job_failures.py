"""An unexpected exception anywhere in a job ends it ``failed`` with a Japanese + English message and
an error id that is also in the logged traceback (issue 16): never a stuck job, never internals."""

from __future__ import annotations

import logging
import re

import pytest
from svc_helpers import upload, wait_job

from service.jobs import runner

ERROR_ID = re.compile(r"エラーID: ([0-9a-f]{8})）.*\(error id: ([0-9a-f]{8})\)")


def _assert_failed_with_logged_id(done: dict, caplog: pytest.LogCaptureFixture, secret: str) -> None:
    assert done["status"] == "failed" and done["error_code"] == "internal_error"
    assert "予期しないエラー" in done["error"] and "unexpected error" in done["error"]
    assert secret not in done["error"]
    assert "予期しないエラー" in done["error_ja"] and "unexpected error" in done["error_en"]  # one language each
    assert "unexpected" not in done["error_ja"] and "予期" not in done["error_en"]
    match = ERROR_ID.search(done["error"])
    assert match and match.group(1) == match.group(2), done["error"]
    logged = [r for r in caplog.records if r.name == runner.__name__ and match.group(1) in r.getMessage()]
    assert len(logged) == 1 and logged[0].levelno == logging.ERROR
    assert logged[0].exc_info and secret in str(logged[0].exc_info[1])  # the traceback is in the log


def test_a_pipeline_crash_fails_the_job_with_an_id_found_in_the_log(client, auth, caplog) -> None:
    h = auth("clerk_a")
    job = upload(client, h, title="CRASH").json()["job"]  # the fake pipeline raises RuntimeError("boom: …")
    _assert_failed_with_logged_id(wait_job(client, h, job["id"]), caplog, "boom")


def test_a_crash_while_storing_the_draft_does_not_leave_the_job_running(client, auth, caplog, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise ValueError("storage refused: internal detail")

    monkeypatch.setattr(runner, "_finish_done", refuse)
    h = auth("clerk_a")
    job = upload(client, h).json()["job"]
    _assert_failed_with_logged_id(wait_job(client, h, job["id"]), caplog, "storage refused")


def test_a_crash_while_reading_the_job_inputs_fails_the_job(client, auth, caplog, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise KeyError("vocabulary row: internal detail")

    monkeypatch.setattr(runner, "_run_options", broken)
    h = auth("clerk_a")
    job = upload(client, h).json()["job"]
    _assert_failed_with_logged_id(wait_job(client, h, job["id"]), caplog, "vocabulary row")


def test_two_crashes_get_different_ids(client, auth) -> None:
    h = auth("clerk_a")
    errors = [wait_job(client, h, upload(client, h, title="CRASH").json()["job"]["id"])["error"] for _ in range(2)]
    ids = [ERROR_ID.search(e).group(1) for e in errors]
    assert ids[0] != ids[1]

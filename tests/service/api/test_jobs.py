"""Job lifecycle: SSE progress, cancel, retry, recovery after a crash, vocabulary reaching the pipeline."""

from __future__ import annotations

import json
import time

from fake_pipeline import FakePipeline
from fastapi.testclient import TestClient
from sqlalchemy import update
from svc_helpers import bearer, seed_users, upload, wait_job

from service.app import create_app
from service.db.models import Job, JobStatus


def test_sse_streams_progress_until_done(client, auth, pipeline):
    pipeline.delay = 4
    h = auth("clerk_a")
    job = upload(client, h).json()["job"]
    events = []
    with client.stream("GET", f"/api/jobs/{job['id']}/events", headers=h) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    assert events[-1][0] == "end" and events[-1][1]["status"] == "done"
    percents = [d["percent"] for n, d in events if n == "progress"]
    assert percents == sorted(percents) and len(percents) >= 3
    assert len({d["stage"] for n, d in events if n == "progress" and d["status"] == "running"}) >= 2


def test_cancel_running_job_stops_it(client, auth, pipeline):
    pipeline.delay = 15  # 1 s between progress writes; left alone, the run would take 15 s
    h = auth("clerk_a")
    created = upload(client, h).json()
    jid = created["job"]["id"]
    deadline = time.monotonic() + 10
    while client.get(f"/api/jobs/{jid}", headers=h).json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    r = client.post(f"/api/jobs/{jid}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    # the worker notices at its next progress write and leaves the pipeline, long before its 15 s
    assert pipeline.wait_ended(1, timeout=10), "the worker did not stop"
    assert client.get(f"/api/jobs/{jid}", headers=h).json()["status"] == "cancelled"
    assert client.get(f"/api/meetings/{created['meeting']['id']}/transcript", headers=h).status_code == 404
    assert client.post(f"/api/jobs/{jid}/cancel", headers=h).status_code == 409
    pipeline.delay = 0
    assert client.post(f"/api/jobs/{jid}/retry", headers=h).json()["status"] == "queued"
    assert wait_job(client, h, jid)["status"] == "done"
    assert client.post(f"/api/jobs/{jid}/retry", headers=h).status_code == 409


def test_job_left_running_by_a_crash_is_requeued_on_start(tmp_path, settings):
    """A worker died mid-job (row stuck in 'running'); the next start finishes it."""
    app = create_app(settings, pipeline_factory=FakePipeline)
    with TestClient(app) as c:
        seed_users(app)
        h = bearer(c, "clerk_a")
        app.state.ctx.queue.stop()  # no worker: the job stays queued
        time.sleep(0.1)
        job = upload(c, h).json()["job"]
    with app.state.ctx.sessions() as db:  # simulate the crash: claimed, half done
        crashed = {"status": JobStatus.running, "attempts": 1, "stage": "transcribe", "percent": 40.0}
        db.execute(update(Job).where(Job.id == job["id"]).values(**crashed))
        db.commit()
    app2 = create_app(settings, pipeline_factory=FakePipeline)
    with TestClient(app2) as c:
        done = wait_job(c, h, job["id"])
    assert done["status"] == "done" and done["attempts"] == 2


def test_department_vocabulary_reaches_the_pipeline(client, auth):
    h = auth("staff_a")
    r = client.post("/api/vocabulary", headers=h, json={"term": "委員会室", "variants": ["委員会"]})
    assert r.status_code == 201 and r.json()["variants"] == ["委員会"]
    job = upload(client, h).json()["job"]
    wait_job(client, h, job["id"])
    minutes = client.get(f"/api/meetings/{job['meeting_id']}/transcript", headers=h).json()["minutes"]
    assert minutes["turns"][0]["text"] == "本日の委員会室を開会します。"
    assert client.post("/api/vocabulary", headers=h, json={"term": "委員会室"}).status_code == 409

"""Job progress (polling and Server-Sent Events), cancel, retry, and re-run of a finished meeting."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from models.errors import GijirokuError
from service.audit import record
from service.db.models import Job, JobStatus
from service.deps import ContextDep, SessionDep, Uploader, Viewer, VisibleJob, client_ip
from service.jobs import states
from service.jobs.rerun import rerun
from service.schemas import JobOut, RerunIn

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

TERMINAL = (JobStatus.done, JobStatus.failed, JobStatus.cancelled)
SSE_POLL_S = 1.0
SSE_MAX_S = 6 * 3600


@router.get("/{job_id}", response_model=JobOut)
def get_job(job: VisibleJob, _: Viewer) -> Job:
    return job


@router.post("/{job_id}/cancel", response_model=JobOut)
def cancel_job(job: VisibleJob, user: Uploader, db: SessionDep, request: Request) -> Job:
    """Queued or running → cancelled at once; a running worker notices at its next progress step."""
    if not states.cancel(db, job.id):
        db.rollback()
        raise GijirokuError(
            "job_not_active",
            "このジョブは既に終了しているため中止できません。",
            "The job has already finished.",
            status=409,
        )
    record(db, user, "job_cancelled", meeting=job.meeting, ip=client_ip(request), job_id=job.id)
    db.commit()
    db.refresh(job)
    return job


@router.post("/{job_id}/retry", response_model=JobOut)
def retry_job(job: VisibleJob, user: Uploader, db: SessionDep, ctx: ContextDep, request: Request) -> Job:
    """Failed or cancelled → queued again (the message is sent after the commit)."""
    if not states.retry(db, job.id):
        db.rollback()
        raise GijirokuError(
            "job_not_retryable",
            "失敗または中止したジョブだけを再実行できます。",
            "Only failed or cancelled jobs can be retried.",
            status=409,
        )
    record(db, user, "job_retried", meeting=job.meeting, ip=client_ip(request), job_id=job.id)
    db.commit()
    assert ctx.queue is not None
    ctx.queue.enqueue(job.id)
    db.refresh(job)
    return job


@router.post("/{job_id}/rerun", response_model=JobOut, status_code=201)
def rerun_job(
    job: VisibleJob, user: Uploader, db: SessionDep, ctx: ContextDep, request: Request, body: RerunIn | None = None
) -> Job:
    """再処理: the meeting of this finished job transcribed again, as a new job, with its current
    materials, vocabulary and voices; its draft becomes the latest revision and the earlier ones
    stay. 409 ``rerun_needs_confirmation`` when the latest revision holds staff edits, unless
    ``confirmed`` (``service.jobs.rerun``)."""
    started = rerun(db, ctx.settings, job, confirmed=body is not None and body.confirmed)
    record(
        db,
        user,
        "job_rerun",
        meeting=job.meeting,
        ip=client_ip(request),
        job_id=started.job.id,
        previous_job_id=job.id,
        replaced_revision=started.replaced_revision,
        over_staff_edits=started.over_staff_edits,
    )
    db.commit()
    assert ctx.queue is not None
    ctx.queue.enqueue(started.job.id)
    db.refresh(started.job)
    return started.job


def _snapshot(ctx: ContextDep, job_id: int) -> dict[str, object] | None:
    with ctx.sessions() as db:
        job = db.get(Job, job_id)
        return JobOut.model_validate(job).model_dump(mode="json") if job else None


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-Sent Events: `progress` per change, `end` when finished",
        }
    },
)
async def job_events(job: VisibleJob, _: Viewer, ctx: ContextDep, request: Request) -> StreamingResponse:
    """Stream the job's state as Server-Sent Events until it finishes (reads the database, so it
    works whichever machine runs the job)."""
    job_id = job.id

    async def events() -> AsyncIterator[str]:
        last = None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SSE_MAX_S
        while loop.time() < deadline and not await request.is_disconnected():
            state = await run_in_threadpool(_snapshot, ctx, job_id)
            if state is None:
                yield "event: end\ndata: {}\n\n"
                return
            if state != last:
                last = state
                yield f"event: progress\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
            if state["status"] in TERMINAL:
                yield f"event: end\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"
                return
            await asyncio.sleep(SSE_POLL_S)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )

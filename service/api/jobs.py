"""Job progress (polling and Server-Sent Events), cancel and retry."""

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
from service.schemas import JobOut

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

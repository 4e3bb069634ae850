"""Liveness and readiness for operators and load balancers; never loads the model."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text

from service.deps import ContextDep
from service.schemas import ComponentHealth, HealthOut

router = APIRouter(tags=["health"])


def _model_health(ctx: ContextDep) -> ComponentHealth:
    settings = ctx.settings
    if ctx.models.injected:
        return ComponentHealth(ok=True, detail="pipeline supplied by the caller (no model files to check)")
    if settings.model_path is not None:
        ok = (settings.model_path / "model.bin").is_file()
        return ComponentHealth(
            ok=ok, detail=f"model directory {settings.model_path}" + ("" if ok else " has no model.bin")
        )
    from models.asr_model import EMBEDDED_NAME, EMBEDDED_SIZE

    model_bin = settings.model_cache_dir / EMBEDDED_NAME / "model.bin"
    ok = model_bin.is_file() and model_bin.stat().st_size == EMBEDDED_SIZE
    return ComponentHealth(
        ok=ok, detail="embedded model ready" if ok else "embedded model missing: run `gijiroku prepare-model`"
    )


@router.get("/healthz", response_model=HealthOut)
def healthz(ctx: ContextDep, response: Response) -> HealthOut:
    """Readiness of this node for its role: 503 when it cannot serve, 200 otherwise; ``status`` is
    ``degraded`` whenever any part fails.

    Single machine (in-process queue): database, worker threads and model are all needed here.
    API node (``GIJIROKU_QUEUE=celery``): only the database is; the model lives on the GPU workers,
    and with Redis away uploads still succeed and are sent when it is back, so a load balancer must
    keep the node (``queue.ok`` false tells monitoring instead).
    """
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = ComponentHealth(ok=True, detail=ctx.engine.dialect.name)
    except Exception as exc:
        database = ComponentHealth(ok=False, detail=f"database unreachable: {exc.__class__.__name__}")
    queue_ok, queue_detail = ctx.queue.health() if ctx.queue else (False, "queue not started")
    queue = ComponentHealth(ok=queue_ok, detail=queue_detail)
    if ctx.settings.queue == "celery":
        model = ComponentHealth(ok=True, detail="not used on this node: Celery workers load the model")
        ready = database.ok
    else:
        model = _model_health(ctx)
        ready = database.ok and queue.ok and model.ok
    response.status_code = 200 if ready else 503
    healthy = database.ok and queue.ok and model.ok
    return HealthOut(status="ok" if healthy else "degraded", database=database, queue=queue, model=model)

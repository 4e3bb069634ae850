"""Liveness and readiness for operators and load balancers; never loads the model."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import text

from service.deps import ContextDep
from service.schemas import ComponentHealth, HealthOut

router = APIRouter(tags=["health"])


def _model_health(ctx: ContextDep) -> ComponentHealth:
    settings = ctx.settings
    if settings.pipeline_factory:
        return ComponentHealth(ok=True, detail=f"pipeline factory {settings.pipeline_factory}")
    if settings.model_path is not None:
        ok = (settings.model_path / "model.bin").is_file()
        return ComponentHealth(ok=ok, detail=f"model directory {settings.model_path}" + ("" if ok else " has no model.bin"))
    from models.asr_model import EMBEDDED_NAME, EMBEDDED_SIZE

    model_bin = settings.model_cache_dir / EMBEDDED_NAME / "model.bin"
    ok = model_bin.is_file() and model_bin.stat().st_size == EMBEDDED_SIZE
    return ComponentHealth(ok=ok, detail="embedded model ready" if ok else "embedded model missing: run `gijiroku prepare-model`")


@router.get("/healthz", response_model=HealthOut)
def healthz(ctx: ContextDep, response: Response) -> HealthOut:
    """200 when database, queue and model are ready; 503 with the failing part otherwise."""
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = ComponentHealth(ok=True, detail=ctx.engine.dialect.name)
    except Exception as exc:
        database = ComponentHealth(ok=False, detail=f"database unreachable: {exc.__class__.__name__}")
    queue_ok, queue_detail = ctx.queue.health() if ctx.queue else (False, "queue not started")
    model = _model_health(ctx)
    ok = database.ok and queue_ok and model.ok
    response.status_code = 200 if ok else 503
    return HealthOut(status="ok" if ok else "degraded", database=database, queue=ComponentHealth(ok=queue_ok, detail=queue_detail), model=model)

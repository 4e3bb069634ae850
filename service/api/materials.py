"""A meeting's materials (会議資料): attach PDF/docx/txt files, list them with the terms found in
them (each promotable to the department's 単語登録 through ``/api/vocabulary``), delete them.
A job started after a change uses them; an earlier draft is not changed (a finished meeting is
transcribed again with them by ``POST /api/jobs/{id}/rerun``)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from service.audit import record
from service.db.models import MeetingMaterial
from service.deps import PathId, SessionDep, SettingsDep, Uploader, Viewer, VisibleMeeting, client_ip
from service.errors import not_found
from service.materials import MaterialFile, add_materials, materials_for_run, meeting_materials
from service.schemas import MaterialFileOut, MaterialsOut, MaterialTermOut
from service.uploads import materials_too_large

router = APIRouter(prefix="/api/meetings", tags=["materials"])
MAX_TERMS_SHOWN = 200
MATERIALS_FIELD = "files"


def _out(db: SessionDep, meeting_id: int) -> MaterialsOut:
    """The list as the page shows it; the caller commits (terms found for rows stored without them)."""
    rows = meeting_materials(db, meeting_id)
    materials = materials_for_run(db, meeting_id)
    # everyday words (kind "word") correct homophones but are not terms worth registering
    terms = [t for t in materials.terms if t.kind != "word"][:MAX_TERMS_SHOWN] if materials else []
    return MaterialsOut(
        files=[MaterialFileOut.model_validate(r) for r in rows],
        terms=[
            MaterialTermOut(surface=t.surface, reading=t.kana, kind=t.kind, count=t.count, context=t.context)
            for t in terms
        ],
        figures=[f.surface for f in materials.figures] if materials else [],
    )


@router.get("/{meeting_id}/materials", response_model=MaterialsOut)
def list_materials(meeting: VisibleMeeting, user: Viewer, db: SessionDep) -> MaterialsOut:
    """The meeting's material files and the terms found in them, best-ranked first."""
    out = _out(db, meeting.id)
    db.commit()
    return out


@router.post("/{meeting_id}/materials", response_model=MaterialsOut, status_code=201)
async def upload_materials(
    meeting: VisibleMeeting, user: Uploader, db: SessionDep, settings: SettingsDep, request: Request
) -> MaterialsOut:
    """Attach one or more files (multipart field ``files``; PDF, docx, txt). All or none are kept."""
    form = await request.form(max_files=settings.max_materials_per_meeting + 1)
    uploads = [f for f in form.getlist(MATERIALS_FIELD) if isinstance(f, UploadFile)]
    files = []
    total = 0
    for upload in uploads:
        data = await upload.read(settings.max_materials_mb * 1024 * 1024 + 1)
        total += len(data)
        if total > settings.max_materials_mb * 1024 * 1024:
            raise materials_too_large(settings)
        files.append(MaterialFile(upload.filename or "", data))
    rows = await run_in_threadpool(add_materials, db, settings, meeting, files, user.id)
    db.flush()
    record(db, user, "materials_added", meeting=meeting, ip=client_ip(request), files=[r.filename for r in rows])
    out = await run_in_threadpool(_out, db, meeting.id)
    db.commit()
    return out


@router.delete("/{meeting_id}/materials/{material_id}", status_code=204)
def delete_material(
    meeting: VisibleMeeting, material_id: PathId, user: Uploader, db: SessionDep, request: Request
) -> Response:
    row = db.get(MeetingMaterial, material_id)
    if row is None or row.meeting_id != meeting.id:
        raise not_found("資料", "material")
    record(db, user, "material_deleted", meeting=meeting, ip=client_ip(request), file=row.filename)
    db.delete(row)
    db.commit()
    return Response(status_code=204)

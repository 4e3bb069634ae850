"""Exports of the latest (or a chosen) revision through ``exporters.render``; every export is
audited because it is the moment minutes leave the system."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import select

from exporters import FORMATS, media_type, render
from models.safe_text import scrub
from models.types import Minutes
from service.audit import record
from service.db.models import TranscriptRevision
from service.deps import Exporter, SessionDep, VisibleMeeting, client_ip
from service.errors import not_found

router = APIRouter(prefix="/api/meetings/{meeting_id}/export", tags=["exports"])


@router.get("/{fmt}", response_class=Response, responses={200: {"content": {media_type(f): {} for f in FORMATS}}})
def export(
    meeting: VisibleMeeting,
    user: Exporter,
    db: SessionDep,
    request: Request,
    fmt: str = Path(pattern=f"^({'|'.join(FORMATS)})$", description=" / ".join(FORMATS)),
    revision: int | None = Query(default=None, ge=1, le=2**31 - 1),
    clean: bool = Query(default=True, description="ケバ取り済みの文（false: 素起こし）"),
) -> Response:
    stmt = select(TranscriptRevision).where(TranscriptRevision.meeting_id == meeting.id)
    if revision is not None:
        stmt = stmt.where(TranscriptRevision.revision == revision)
    row = db.scalar(stmt.order_by(TranscriptRevision.revision.desc()).limit(1))
    if row is None:
        raise not_found("会議録", "transcript")
    body = render(Minutes.from_dict(row.minutes), fmt, clean=clean)
    record(db, user, "exported", meeting=meeting, ip=client_ip(request), format=fmt, revision=row.revision, clean=clean)
    db.commit()
    # The file name says which text it holds: staff export both, and a 素起こし must not pass for the minutes.
    kind, kind_ascii = ("ケバ取り", "clean") if clean else ("素起こし", "verbatim")
    filename = f"{scrub(meeting.title)}_第{row.revision}版_{kind}.{fmt}"  # a title stored before text was checked
    disposition = (
        f'attachment; filename="minutes-{meeting.id}-r{row.revision}-{kind_ascii}.{fmt}"; '
        f"filename*=UTF-8''{quote(filename)}"
    )
    return Response(body, media_type=media_type(fmt), headers={"Content-Disposition": disposition})

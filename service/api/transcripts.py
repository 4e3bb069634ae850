"""Transcript revisions: read the latest or any revision, list them, save a new one.

Saving is optimistic concurrency: the client names the revision it edited (``base_revision``);
if someone saved in between, the answer is 409 and nothing is overwritten. The unique
(meeting, revision) constraint settles the race when two saves arrive at the same moment.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from models.errors import GijirokuError
from models.safe_text import scrubbed
from models.types import Minutes
from service.audit import record
from service.body_guard import ParsedJsonRoute
from service.db.models import TranscriptRevision, latest_revision
from service.deps import Editor, SessionDep, Viewer, VisibleMeeting, client_ip
from service.errors import not_found
from service.schemas import MinutesIn, RevisionOut, TranscriptOut, TranscriptSave

# the save's body (up to GIJIROKU_MAX_TRANSCRIPT_MB) was parsed by BodyGuard: FastAPI reuses that parse
router = APIRouter(prefix="/api/meetings/{meeting_id}/transcript", tags=["transcripts"], route_class=ParsedJsonRoute)


def _stale(latest: int | None, base: int) -> GijirokuError:
    return GijirokuError(
        "stale_revision",
        f"他の人が先に保存しました（最新は第{latest}版、編集元は第{base}版）。"
        "最新の内容を読み込み、変更を反映してから保存し直してください。"
        "あなたの変更は保存されていません。",
        f"Someone saved first (latest revision {latest}, you edited {base}); "
        "reload, re-apply your changes and save again.",
        status=409,
    )


def _out(row: TranscriptRevision, cls: type[RevisionOut], *, as_stored: bool = False) -> RevisionOut:
    data: dict[str, Any] = {
        "revision": row.revision,
        "base_revision": row.base_revision,
        "author_id": row.author_id,
        "author": row.author.username if row.author else None,
        "kind": row.kind,
        "created_at": row.created_at,
    }
    if cls is TranscriptOut:
        # Reading repairs text stored before requests were checked (models.safe_text); a save
        # answers with exactly what it stores, so a revision that cannot be sent fails before its commit.
        data["minutes"] = row.minutes if as_stored else scrubbed(row.minutes)
    return cls.model_validate(data)


def _checked_minutes(raw: dict[str, Any]) -> dict[str, Any]:
    """The minutes as stored: the README's JSON shape with the right types and at least one turn."""
    try:
        minutes = Minutes.from_dict(MinutesIn.model_validate(raw).model_dump(mode="json", exclude_none=True))
    except ValidationError as exc:
        where = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors() if e["loc"]})[:5]
        raise GijirokuError(
            "invalid_minutes",
            "会議録データの形式が正しくありません" + (f": {'、'.join(where)}" if where else "。"),
            "The minutes JSON is malformed" + (f": {', '.join(where)}" if where else "."),
            status=422,
        ) from None
    if not minutes.turns:
        raise GijirokuError(
            "empty_minutes",
            "発言が1件もない会議録は保存できません。少なくとも1件の発言を残してください。",
            "A transcript without any turn cannot be saved; keep at least one turn.",
            status=422,
        )
    return minutes.to_dict()


@router.get("", response_model=TranscriptOut)
def get_transcript(
    meeting: VisibleMeeting,
    user: Viewer,
    db: SessionDep,
    request: Request,
    revision: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> RevisionOut:
    """The latest revision, or ``?revision=N``. 404 until the job has produced the draft."""
    if revision is None:
        row = latest_revision(db, meeting.id)
    else:
        row = db.scalar(
            select(TranscriptRevision).where(
                TranscriptRevision.meeting_id == meeting.id, TranscriptRevision.revision == revision
            )
        )
    if row is None:
        raise not_found("会議録", "transcript")
    record(db, user, "transcript_viewed", meeting=meeting, ip=client_ip(request), revision=row.revision)
    db.commit()
    return _out(row, TranscriptOut)


@router.get("/revisions", response_model=list[RevisionOut])
def list_revisions(meeting: VisibleMeeting, _: Viewer, db: SessionDep) -> list[RevisionOut]:
    rows = db.scalars(
        select(TranscriptRevision)
        .where(TranscriptRevision.meeting_id == meeting.id)
        .order_by(TranscriptRevision.revision)
    )
    return [_out(r, RevisionOut) for r in rows]


@router.put("", response_model=TranscriptOut)
def save_transcript(
    body: TranscriptSave, meeting: VisibleMeeting, user: Editor, db: SessionDep, request: Request
) -> Response:
    """Save an edited transcript as a new revision on top of ``base_revision``.

    The answer is serialised before the commit: a revision that cannot be sent back is never
    stored (a save that committed and then failed left a meeting whose transcript nobody could open).
    """
    minutes = _checked_minutes(body.minutes)
    latest = db.scalar(select(func.max(TranscriptRevision.revision)).where(TranscriptRevision.meeting_id == meeting.id))
    if latest is None:
        raise not_found("会議録", "transcript")
    if body.base_revision != latest:
        raise _stale(latest, body.base_revision)
    row = TranscriptRevision(
        meeting_id=meeting.id,
        revision=latest + 1,
        base_revision=body.base_revision,
        minutes=minutes,
        author_id=user.id,
        kind=body.kind,
    )
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise _stale(latest + 1, body.base_revision) from None
    record(db, user, "transcript_edited", meeting=meeting, ip=client_ip(request), revision=row.revision)
    content = _out(row, TranscriptOut, as_stored=True).model_dump_json()
    db.commit()
    return Response(content, media_type="application/json")

"""Meetings: upload (creates the meeting and its job), list, read, edit metadata, delete, and
the audio itself (HTTP Range for the editor's seeking). Department scoping comes from
``service.scope`` via ``VisibleMeeting``; nothing here filters by department by hand."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from models.errors import GijirokuError
from service.audit import record
from service.auth.roles import Permission, has_permission
from service.auth.tokens import CSRF_FIELD, csrf_matches
from service.context import AppContext
from service.db.models import KEPT_KIND, Job, Meeting, TranscriptRevision, User, latest_revision_ids
from service.deps import (
    AuthDep,
    ContextDep,
    Deleter,
    Editor,
    SessionDep,
    SettingsDep,
    Viewer,
    VisibleMeeting,
    client_ip,
    csrf_failed,
    csrf_header_ok,
)
from service.errors import forbidden, not_found
from service.materials import MaterialFile, add_materials
from service.media import inspect_upload
from service.meeting_list import meeting_page
from service.retention import delete_audio
from service.schemas import DbId, JobOut, MeetingCreated, MeetingListParams, MeetingOut, MeetingPage, MeetingUpdate
from service.scope import department_for_user
from service.storage import audio_file, new_storage_name, remove_audio, resolve
from service.uploads import ReceivedUpload, receive_upload, visible_text
from service.validation_messages import describe_all

router = APIRouter(prefix="/api/meetings", tags=["meetings"])


def _lines(value: Any) -> Any:
    """出席者・議題 arrive as one line per entry (a textarea); lists pass through."""
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return value


class UploadForm(BaseModel):
    """The metadata fields sent with the file (multipart text fields)."""

    title: str = Field(min_length=1, max_length=300)
    held_at: dt.datetime | None = None
    place: str = Field(default="", max_length=300)
    attendees: list[str] = Field(default_factory=list, max_length=500)
    agenda: list[str] = Field(default_factory=list, max_length=500)
    department_id: DbId | None = None
    num_speakers: int | None = Field(default=None, ge=1, le=50)
    min_speakers: int | None = Field(default=None, ge=1, le=50)
    max_speakers: int | None = Field(default=None, ge=1, le=50)
    language: str | None = Field(default=None, pattern=r"^(auto|[a-z]{2,3})$")

    _split = field_validator("attendees", "agenda", mode="before")(_lines)

    @field_validator(
        "held_at", "department_id", "num_speakers", "min_speakers", "max_speakers", "language", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("title", "place", mode="after")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    # the same rule as for file names (the upload page fills the title from one)
    _visible = field_validator("title", "place", "attendees", "agenda", mode="after")(visible_text)


def _parse_form(fields: dict[str, str]) -> UploadForm:
    try:
        form = UploadForm.model_validate({k: v for k, v in fields.items() if k in UploadForm.model_fields})
    except ValidationError as exc:
        bad = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        raise GijirokuError(
            "invalid_metadata",
            "入力内容を確認してください。" + describe_all(exc.errors()),
            "Check these fields: " + ", ".join(bad),
            status=422,
        ) from None
    if not form.title:
        raise GijirokuError(
            "invalid_metadata",
            "入力内容を確認してください。「名称」を入力してください。",
            "Check these fields: title",
            status=422,
        )
    if form.min_speakers and form.max_speakers and form.min_speakers > form.max_speakers:
        raise GijirokuError(
            "invalid_metadata",
            "最小話者数は最大話者数以下にしてください。",
            "min_speakers must not exceed max_speakers.",
            status=422,
        )
    return form


def meeting_outs(db: Session, meetings: Sequence[Meeting]) -> list[MeetingOut]:
    """The meetings with their latest job and latest revision (its number, and where a 再処理's
    draft is when staff edits were kept over it): two queries for the whole list, however long it is."""
    ids = [m.id for m in meetings]
    if not ids:
        return []
    latest_job_ids = select(func.max(Job.id)).where(Job.meeting_id.in_(ids)).group_by(Job.meeting_id)
    jobs = {job.meeting_id: job for job in db.scalars(select(Job).where(Job.id.in_(latest_job_ids)))}
    revisions = {
        meeting_id: (revision, base if kind == KEPT_KIND else None)
        for meeting_id, revision, kind, base in db.execute(
            select(
                TranscriptRevision.meeting_id,
                TranscriptRevision.revision,
                TranscriptRevision.kind,
                TranscriptRevision.base_revision,
            ).where(TranscriptRevision.id.in_(latest_revision_ids(TranscriptRevision.meeting_id.in_(ids))))
        ).all()
    }
    return [
        MeetingOut.model_validate(
            {
                **{k: getattr(m, k) for k in MeetingOut.model_fields if hasattr(m, k)},
                "audio_available": m.audio_deleted_at is None and m.audio_path is not None,
                "latest_job": JobOut.model_validate(jobs[m.id]) if m.id in jobs else None,
                "latest_revision": revisions[m.id][0] if m.id in revisions else None,
                "rerun_draft_revision": revisions[m.id][1] if m.id in revisions else None,
            }
        )
        for m in meetings
    ]


def meeting_out(db: Session, meeting: Meeting) -> MeetingOut:
    return meeting_outs(db, [meeting])[0]


def _store(ctx: AppContext, db: Session, user: User, upload: ReceivedUpload, ip: str) -> tuple[Meeting, Job]:
    """Validate an uploaded file + metadata and create the meeting and its queued job.

    Runs in a worker thread (probing reads the file). The file is moved into place before the
    commit and removed again if the commit fails, so no row ever lacks its file or vice versa.
    """
    settings = ctx.settings
    if upload.file is None:
        raise GijirokuError(
            "file_missing", "音声ファイルを添付してください。", "Attach the recording in the 'file' field.", status=422
        )
    form = _parse_form(upload.fields)
    department = department_for_user(db, user, form.department_id)
    probe, duration = inspect_upload(upload.file.path)
    limit_s = settings.max_duration_hours * 3600
    if duration > limit_s:
        raise GijirokuError(
            "too_long",
            f"録音が長すぎます（{duration / 3600:.1f}時間、上限 {settings.max_duration_hours:g} 時間）。"
            "分割してアップロードしてください。",
            f"The recording is {duration / 3600:.1f} h long; the limit is {settings.max_duration_hours:g} h.",
            status=422,
        )
    storage_name = new_storage_name()
    final = resolve(settings, storage_name)
    meeting = Meeting(
        department_id=department.id,
        title=form.title,
        held_at=form.held_at.replace(tzinfo=None) if form.held_at else None,
        place=form.place,
        attendees=form.attendees,
        agenda=form.agenda,
        original_filename=upload.file.filename,
        audio_path=storage_name,
        audio_size=upload.file.size,
        audio_format=f"{probe.container}/{probe.codec}",
        duration=round(duration, 3),
        sha256=upload.file.sha256,
        created_by_id=user.id,
    )
    db.add(meeting)
    db.flush()
    options = form.model_dump(include={"num_speakers", "min_speakers", "max_speakers", "language"}, exclude_none=True)
    job = Job(meeting_id=meeting.id, options=options)
    db.add(job)
    if upload.materials:  # 会議資料 sent with the recording: stored before the job can start
        files = [MaterialFile(name, bytes(data)) for name, data in upload.materials]
        add_materials(db, settings, meeting, files, user.id)
    record(db, user, "uploaded", meeting=meeting, ip=ip, size=upload.file.size, sha256=upload.file.sha256)
    os.replace(upload.file.path, final)
    try:
        db.commit()
    except BaseException:
        final.unlink(missing_ok=True)
        raise
    return meeting, job


_UPLOAD_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "title"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "録音ファイル（形式は内容で判定）",
                        },
                        "title": {"type": "string", "description": "名称"},
                        "held_at": {"type": "string", "format": "date-time", "description": "日時"},
                        "place": {"type": "string", "description": "場所"},
                        "attendees": {"type": "string", "description": "出席者（1行に1人）"},
                        "agenda": {"type": "string", "description": "議題（1行に1件）"},
                        "department_id": {"type": "integer", "description": "部署（管理者のみ他部署を指定可）"},
                        "num_speakers": {"type": "integer"},
                        "min_speakers": {"type": "integer"},
                        "max_speakers": {"type": "integer"},
                        "language": {"type": "string", "description": "ja / auto など"},
                        "csrf_token": {
                            "type": "string",
                            "description": "Cookie 認証で X-CSRF-Token ヘッダーを送れない場合",
                        },
                    },
                }
            }
        },
    }
}


@router.post("", status_code=201, response_model=MeetingCreated, openapi_extra=_UPLOAD_OPENAPI)
async def upload_meeting(request: Request, ctx: ContextDep, auth: AuthDep, db: SessionDep) -> MeetingCreated:
    """Upload a recording with its metadata; the transcription job is queued after the commit."""
    user = auth.user
    if not has_permission(user, Permission.upload):
        raise forbidden()
    header_ok = csrf_header_ok(request, auth)
    if header_ok is False:
        raise csrf_failed()
    upload = await receive_upload(request, ctx.settings)
    try:
        if header_ok is None and not csrf_matches(auth.token, upload.fields.get(CSRF_FIELD)):
            raise csrf_failed()
        meeting, job = await run_in_threadpool(_store, ctx, db, user, upload, client_ip(request))
    finally:
        upload.discard()  # no-op once the file was moved into place
    assert ctx.queue is not None
    await run_in_threadpool(ctx.queue.enqueue, job.id)  # never raises; a lost send is re-sent by the sweep
    return MeetingCreated(meeting=meeting_out(db, meeting), job=JobOut.model_validate(job))


@router.get("", response_model=MeetingPage)
def list_meetings(user: Viewer, db: SessionDep, params: Annotated[MeetingListParams, Query()]) -> MeetingPage:
    """One page of the caller's department's meetings (admins: all departments, or the one named
    by ``department_id``), newest upload first unless ``sort`` says otherwise, with the total."""
    meetings, total = meeting_page(db, user, params)
    return MeetingPage(items=meeting_outs(db, meetings), total=total, page=params.page, per_page=params.per_page)


@router.get("/{meeting_id}", response_model=MeetingOut)
def get_meeting(meeting: VisibleMeeting, user: Viewer, db: SessionDep, request: Request) -> MeetingOut:
    record(db, user, "viewed", meeting=meeting, ip=client_ip(request))
    db.commit()
    return meeting_out(db, meeting)


@router.patch("/{meeting_id}", response_model=MeetingOut)
def update_meeting(
    body: MeetingUpdate, meeting: VisibleMeeting, user: Editor, db: SessionDep, request: Request
) -> MeetingOut:
    changes = body.model_dump(exclude_unset=True)
    if changes.get("title") is None:
        changes.pop("title", None)
    for name, value in changes.items():
        if name == "held_at" and value is not None:
            value = value.replace(tzinfo=None)
        elif name in ("place",) and value is None:
            value = ""
        elif name in ("attendees", "agenda"):
            value = [v.strip() for v in value or [] if v.strip()]
        setattr(meeting, name, value)
    record(db, user, "metadata_edited", meeting=meeting, ip=client_ip(request), fields=sorted(changes))
    db.commit()
    return meeting_out(db, meeting)


@router.delete("/{meeting_id}", status_code=204)
def delete_meeting(
    meeting: VisibleMeeting, user: Deleter, db: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """Delete the meeting with its audio, jobs and transcripts (the audit log keeps the record)."""
    record(db, user, "meeting_deleted", meeting=meeting, ip=client_ip(request), title=meeting.title)
    db.delete(meeting)
    db.commit()
    remove_audio(settings, meeting)
    return Response(status_code=204)


@router.delete("/{meeting_id}/audio", status_code=204)
def delete_meeting_audio(
    meeting: VisibleMeeting, user: Deleter, db: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    """Delete only the recording; the meeting and its transcripts stay."""
    if meeting.audio_deleted_at is None:
        delete_audio(db, settings, meeting, user, "explicit", client_ip(request))
        db.commit()
    return Response(status_code=204)


@router.get(
    "/{meeting_id}/audio",
    response_class=FileResponse,
    responses={206: {"description": "Partial content (Range)"}, 200: {"content": {"application/octet-stream": {}}}},
)
def get_audio(
    meeting: VisibleMeeting, user: Viewer, db: SessionDep, settings: SettingsDep, request: Request
) -> FileResponse:
    """The original recording; supports ``Range`` (206) so the editor can seek."""
    path = audio_file(settings, meeting)
    if path is None:
        raise not_found("音声ファイル（保存期間経過または削除済み）", "audio file (deleted or past retention)")
    range_header = request.headers.get("range", "")
    if not range_header or range_header.replace(" ", "").startswith("bytes=0-"):
        record(db, user, "audio_played", meeting=meeting, ip=client_ip(request))  # not once per seek
        db.commit()
    return FileResponse(path, media_type=_media_type(meeting.audio_format), content_disposition_type="inline")


_AUDIO_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "ogg": "audio/ogg",
    "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
    "matroska,webm": "audio/webm",
}


def _media_type(audio_format: str) -> str:
    """What the browser's <audio> element needs; the container was detected from content."""
    return _AUDIO_TYPES.get(audio_format.split("/")[0], "application/octet-stream")

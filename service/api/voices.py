"""Voice registry API (話者登録, issue 13): enrol a named speaker of a meeting (「この声を登録」) or an
uploaded sample, list / rename / delete people and prints, and accept or reject the speakers a job
named. Staff and admins only (``Editor``), scoped to their department; no answer carries a vector.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.audio import decode_audio
from models.diarization.single import one_speaker
from models.errors import GijirokuError
from models.types import SAMPLE_RATE, Minutes
from models.vad import speech_regions
from models.voices.embedding import GE2E_ENCODER, embed_spans, speaker_spans
from models.voices.enrol import enrolment_prints, is_named
from service.audit import record
from service.db.models import TranscriptRevision, User, VoiceMatchRow, VoicePerson, latest_revision
from service.deps import ContextDep, Editor, PathId, SessionDep, SettingsDep, VisibleMeeting, client_ip
from service.errors import not_found
from service.scope import department_for_user
from service.storage import audio_file
from service.uploads import receive_upload, visible_text
from service.voices import (
    add_print,
    confidence_mark,
    decide,
    delete_person,
    delete_print,
    department_people,
    person_for_user,
    print_for_user,
    require_enabled,
)

router = APIRouter(tags=["voices"])

SAMPLE_MIN_SPEECH_S = 3.0
SAMPLE_MAX_S = 300.0  # "a few seconds to a minute of one person"; longer is refused, not cut


class PrintOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    encoder: str
    seconds: float
    meeting_id: int | None
    source: str
    created_at: dt.datetime


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    department_id: int
    label: str
    name: str
    title: str
    prints: list[PrintOut]


class PersonUpdate(BaseModel):
    label: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    name: Annotated[str, Field(max_length=100)] | None = None
    title: Annotated[str, Field(max_length=100)] | None = None


class EnrolIn(BaseModel):
    speaker: Annotated[str, Field(min_length=1, max_length=64)]  # the speaker's id in the latest revision


class MatchOut(BaseModel):
    speaker: str
    person_id: int
    label: str
    score: float
    mark: str  # ◎ / ○
    status: str


class RejectIn(BaseModel):
    base_revision: int = Field(ge=1, le=2**31 - 1)


class RejectOut(BaseModel):
    revision: int
    label: str


def _conflict_label() -> GijirokuError:
    return GijirokuError(
        "conflict",
        "同じ表示名の登録話者が既にいます。",
        "A registered voice with this label already exists.",
        status=409,
    )


def _enrol(
    db: Session,
    user: User,
    department_id: int,
    label: str,
    vector: np.ndarray,
    *,
    seconds: float,
    source: str,
    ip: str,
    meeting_id: int | None = None,
) -> VoicePerson:
    """Both enrolment routes end here: the GE2E print is added (``add_print``) and committed; a
    label another person already holds answers 409 instead of a database error."""
    try:
        person = add_print(
            db,
            user,
            department_id,
            label,
            vector,
            GE2E_ENCODER,
            seconds=seconds,
            source=source,
            meeting_id=meeting_id,
            ip=ip,
        )
    except IntegrityError:
        raise _conflict_label() from None
    db.commit()
    db.refresh(person)
    return person


def _encoder(ctx: ContextDep):
    with ctx.models.pipeline() as pipeline:
        return pipeline.voice_encoder


@router.get("/api/voices/people", response_model=list[PersonOut])
def list_people(
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    department_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> list[VoicePerson]:
    require_enabled(settings)
    return department_people(db, department_for_user(db, user, department_id).id)


@router.patch("/api/voices/people/{person_id}", response_model=PersonOut)
def update_person(
    person_id: PathId, body: PersonUpdate, user: Editor, db: SessionDep, settings: SettingsDep, request: Request
) -> VoicePerson:
    require_enabled(settings)
    person = person_for_user(db, user, person_id)
    changes = {k: visible_text(v.strip()) for k, v in body.model_dump(exclude_none=True).items()}
    if changes.get("label") == "":
        changes.pop("label")
    for key, value in changes.items():
        setattr(person, key, value)
    try:
        db.flush()
    except IntegrityError:
        raise _conflict_label() from None
    record(
        db,
        user,
        "voice_person_edited",
        target_type="voice_person",
        target_id=person.id,
        department_id=person.department_id,
        ip=client_ip(request),
        **changes,
    )
    db.commit()
    return person


@router.delete("/api/voices/people/{person_id}", status_code=204)
def remove_person(person_id: PathId, user: Editor, db: SessionDep, settings: SettingsDep, request: Request) -> Response:
    require_enabled(settings)
    delete_person(db, user, person_for_user(db, user, person_id), client_ip(request))
    db.commit()
    return Response(status_code=204)


@router.delete("/api/voices/prints/{print_id}", status_code=204)
def remove_print(print_id: PathId, user: Editor, db: SessionDep, settings: SettingsDep, request: Request) -> Response:
    require_enabled(settings)
    delete_print(db, user, print_for_user(db, user, print_id), client_ip(request))
    db.commit()
    return Response(status_code=204)


@router.post("/api/voices/samples", response_model=PersonOut, status_code=201)
async def enrol_sample(
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    ctx: ContextDep,
    request: Request,
    department_id: int | None = Query(default=None, ge=1, le=2**31 - 1),
) -> VoicePerson:
    """Enrol an uploaded recording of one person (form fields ``label`` and ``file``)."""
    require_enabled(settings)
    department = department_for_user(db, user, department_id)
    upload = await receive_upload(request, settings)
    try:
        label = visible_text(upload.fields.get("label", "").strip())
        if not is_named(label) or len(label) > 200 or upload.file is None:
            raise GijirokuError(
                "voice_sample_invalid",
                "表示名（話者N 以外）と音声ファイルを指定してください。",
                "Give a label (not 話者N) and an audio file.",
                status=422,
            )
        vector, seconds = await run_in_threadpool(_sample_print, ctx, upload.file.path)
        filename = upload.file.filename
    finally:
        upload.discard()  # the sample itself is not kept, only its print
    return _enrol(db, user, department.id, label, vector, seconds=seconds, source=filename, ip=client_ip(request))


def _sample_print(ctx: Any, path: Path) -> tuple[Any, float]:
    audio = decode_audio(path)
    if len(audio) > SAMPLE_MAX_S * SAMPLE_RATE:
        raise GijirokuError(
            "voice_sample_too_long",
            f"登録用の音声は {int(SAMPLE_MAX_S // 60)} 分以内にしてください。",
            f"A voice sample must be at most {int(SAMPLE_MAX_S // 60)} minutes long.",
            status=422,
        )
    spans = speaker_spans(one_speaker(speech_regions(audio))).get("SPEAKER_00", [])
    seconds = sum(e - s for s, e in spans)
    vector = embed_spans(_encoder(ctx), audio, spans) if seconds >= SAMPLE_MIN_SPEECH_S else None
    if vector is None:
        raise GijirokuError(
            "voice_sample_short",
            f"発話が短すぎます。{SAMPLE_MIN_SPEECH_S:.0f} 秒以上話している音声を指定してください。",
            f"Too little speech; the sample needs at least {SAMPLE_MIN_SPEECH_S:.0f} s of talking.",
            status=422,
        )
    return vector, seconds


def _latest(db: SessionDep, meeting_id: int) -> TranscriptRevision:
    row = latest_revision(db, meeting_id)
    if row is None:
        raise not_found("会議録", "transcript")
    return row


@router.post("/api/meetings/{meeting_id}/voices/enrol", response_model=PersonOut, status_code=201)
def enrol_from_transcript(
    meeting: VisibleMeeting,
    body: EnrolIn,
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    ctx: ContextDep,
    request: Request,
) -> VoicePerson:
    """「この声を登録」: the named speaker's turns in the latest revision become a print of the person
    with that label (overlaps and turns under 2 s left out)."""
    require_enabled(settings)
    minutes = Minutes.from_dict(_latest(db, meeting.id).minutes)
    label = minutes.speaker_label(body.speaker)
    if not any(s.id == body.speaker for s in minutes.speakers) or not is_named(label):
        raise GijirokuError(
            "voice_speaker_unnamed",
            "登録するには先に話者名（「話者N」以外）を付けてください。",
            "Name the speaker first (a label other than 話者N); then enrol the voice.",
            status=422,
        )
    path = audio_file(settings, meeting)
    if path is None:
        raise GijirokuError(
            "audio_missing",
            "音声ファイルが削除されているため登録できません。",
            "The audio file has been deleted; the voice cannot be enrolled.",
            status=409,
        )
    enrolment = enrolment_prints(_encoder(ctx), decode_audio(path), minutes, {label}).get(label)
    if enrolment is None:
        raise GijirokuError(
            "voice_speaker_too_short",
            "この話者には 2 秒以上の単独の発言がないため登録できません。",
            "This speaker has no single-voice turn of 2 s or more to enrol from.",
            status=422,
        )
    return _enrol(
        db,
        user,
        meeting.department_id,
        label,
        enrolment.vector,
        seconds=enrolment.seconds,
        source=meeting.title,
        meeting_id=meeting.id,
        ip=client_ip(request),
    )


@router.get("/api/meetings/{meeting_id}/voice-matches", response_model=list[MatchOut])
def list_matches(meeting: VisibleMeeting, _: Editor, db: SessionDep, settings: SettingsDep) -> list[MatchOut]:
    """The speakers the job named from the registry, with a confidence mark."""
    require_enabled(settings)
    rows = db.scalars(select(VoiceMatchRow).where(VoiceMatchRow.meeting_id == meeting.id).order_by(VoiceMatchRow.id))
    policy = settings.voice_match_policy
    return [
        MatchOut(
            speaker=r.speaker,
            person_id=r.person_id,
            label=r.label,
            score=r.score,
            mark=confidence_mark(r.score, policy),
            status=r.status,
        )
        for r in rows
    ]


def _match(db: SessionDep, meeting_id: int, speaker: str) -> VoiceMatchRow:
    row = db.scalar(
        select(VoiceMatchRow).where(VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.speaker == speaker)
    )
    if row is None:
        raise not_found("話者の照合結果", "voice match")
    return row


@router.post("/api/meetings/{meeting_id}/voice-matches/{speaker}/accept", status_code=204)
def accept_match(
    meeting: VisibleMeeting, speaker: str, user: Editor, db: SessionDep, settings: SettingsDep, request: Request
) -> Response:
    require_enabled(settings)
    decide(db, user, _match(db, meeting.id, speaker), "accepted", client_ip(request))
    db.commit()
    return Response(status_code=204)


@router.post("/api/meetings/{meeting_id}/voice-matches/{speaker}/reject", response_model=RejectOut)
def reject_match(
    meeting: VisibleMeeting,
    speaker: str,
    body: Annotated[RejectIn, Body()],
    user: Editor,
    db: SessionDep,
    settings: SettingsDep,
    request: Request,
) -> RejectOut:
    """Not this person: the speaker goes back to 話者N in a new revision on top of ``base_revision``
    (409 when someone saved meanwhile, as for any save)."""
    require_enabled(settings)
    row = _match(db, meeting.id, speaker)
    latest = _latest(db, meeting.id)
    if latest.revision != body.base_revision:
        raise GijirokuError(
            "stale_revision",
            "他の人が先に保存しました。最新の内容を読み込んでからやり直してください。",
            "Someone saved in the meantime; reload the latest revision and try again.",
            status=409,
        )
    minutes = dict(latest.minutes)
    speakers = [dict(s) for s in minutes.get("speakers", [])]
    placeholder = ""
    for index, entry in enumerate(speakers):
        if entry.get("id") == speaker:
            placeholder = entry["label"] = f"話者{index + 1}"
    minutes["speakers"] = speakers
    count = db.scalar(select(func.max(TranscriptRevision.revision)).where(TranscriptRevision.meeting_id == meeting.id))
    new = TranscriptRevision(
        meeting_id=meeting.id,
        revision=(count or 0) + 1,
        base_revision=latest.revision,
        minutes=minutes,
        author_id=user.id,
        kind="voice",  # 版の履歴 says the speaker went back to 話者N, not that someone edited the text
    )
    db.add(new)
    decide(db, user, row, "rejected", client_ip(request))
    record(db, user, "transcript_edited", meeting=meeting, ip=client_ip(request), revision=new.revision)
    db.commit()
    return RejectOut(revision=new.revision, label=placeholder or row.label)

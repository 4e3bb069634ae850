"""The tables. Every table is here so Alembic autogenerate sees the whole schema.

Department isolation hangs off ``Meeting.department_id``: jobs, transcripts and audio are reached
through their meeting, so scoping the meeting scopes everything (see ``service.deps``).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ColumnElement,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    Select,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from service.db.base import Base, UTCDateTime, utcnow
from service.kpi.answers import ContinuedUse, Satisfaction


class Role(enum.StrEnum):
    clerk = "clerk"  # uploads and views their department's meetings
    staff = "staff"  # also edits transcripts and metadata, exports, deletes, manages vocabulary
    evaluator = "evaluator"  # reads reports across departments; views own department's meetings
    admin = "admin"  # manages users and departments; sees every department


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


class TokenKind(enum.StrEnum):
    session = "session"  # browser cookie; unsafe methods need the CSRF token
    api = "api"  # bearer token for scripts


def _enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")


class AuthToken(Base):
    """A browser session or an API token; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TokenKind] = mapped_column(_enum(TokenKind))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class LoginThrottle(Base):
    """Failed logins of one throttling key (username + client IP, or client IP alone) in the
    window that began at ``window_start``. One row per key, bumped by a single conditional
    UPDATE, so parallel attempts cannot all pass the check before any of them is counted."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(300))  # 名称
    held_at: Mapped[dt.datetime | None]  # 日時, wall-clock time as the clerk entered it
    place: Mapped[str] = mapped_column(String(300), default="")  # 場所
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)  # 出席者
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)  # 議題
    original_filename: Mapped[str] = mapped_column(String(255), default="")  # sanitised, display only
    audio_path: Mapped[str | None] = mapped_column(String(300))  # relative to data_dir
    audio_size: Mapped[int] = mapped_column(BigInteger, default=0)
    audio_format: Mapped[str] = mapped_column(String(100), default="")
    duration: Mapped[float | None]
    sha256: Mapped[str] = mapped_column(String(64), default="")
    audio_deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")


class MeetingMaterial(Base):
    """A document attached to a meeting (会議資料, issue 15): its extracted text, which guides
    decoding and corrects the draft (``models.materials``); the file itself is not kept."""

    __tablename__ = "meeting_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))  # sanitised, display only
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    text: Mapped[str] = mapped_column(Text)
    # the terms found in ``text`` (models.materials.terms.terms_to_json), found once when attached;
    # None (rows from before 0009) or an older TERMS_VERSION: found again and stored on first use
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Job(Base):
    """The one record of a transcription job's state; queue messages carry only ``id``."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    status: Mapped[JobStatus] = mapped_column(_enum(JobStatus), default=JobStatus.queued, index=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    percent: Mapped[float] = mapped_column(default=0.0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)  # both languages: 日本語（English）
    error_ja: Mapped[str | None] = mapped_column(Text)
    error_en: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)  # also the lease: a stale attempt cannot write
    # ``attempts`` when staff last retried the job: the crash-loop cap counts the starts since then
    retry_base: Mapped[int] = mapped_column(default=0, server_default="0")
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # per-job pipeline overrides
    # the upload's RecordingQuality.to_dict(), measured by the run that finished the job (models.quality)
    recording_quality: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # 再処理 (service.jobs.rerun): the meeting's latest revision when the re-run was asked for; a
    # newer staff revision when it finishes was saved meanwhile and stays the latest (states.finish_done).
    # None: the meeting's first job.
    replaces_revision: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()


# TranscriptRevision.kind values written by the service itself (the rest name what staff did,
# ``service.schemas.RevisionKind``): the pipeline's draft, and staff edits saved while a 再処理 ran,
# copied on top of its draft so that they stay the latest (``service.jobs.states.finish_done``).
DRAFT_KIND = "draft"
KEPT_KIND = "kept"


class TranscriptRevision(Base):
    """Every save is a new row; revision 1 is the pipeline's draft. Nothing is overwritten."""

    __tablename__ = "transcript_revisions"
    __table_args__ = (UniqueConstraint("meeting_id", "revision", name="uq_transcript_revisions_meeting_revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    base_revision: Mapped[int | None]
    minutes: Mapped[dict[str, Any]] = mapped_column(JSON)  # Minutes.to_dict()
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: pipeline
    # how it came to be (RevisionKind), for the editor's 版の履歴
    kind: Mapped[str] = mapped_column(String(16), default="manual", server_default="manual")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")


def latest_revision(db: Session, meeting_id: int) -> TranscriptRevision | None:
    """The meeting's current transcript: its highest revision (None before the first draft)."""
    return db.scalar(
        select(TranscriptRevision)
        .where(TranscriptRevision.meeting_id == meeting_id)
        .order_by(TranscriptRevision.revision.desc())
        .limit(1)
    )


def latest_revision_ids(*where: ColumnElement[bool]) -> Select[int]:
    """``latest_revision`` for many meetings in one query: the ids of each meeting's highest
    revision among those matching ``where``, for ``TranscriptRevision.id.in_(...)``."""
    newest = (
        select(TranscriptRevision.meeting_id, func.max(TranscriptRevision.revision).label("revision"))
        .where(*where)
        .group_by(TranscriptRevision.meeting_id)
        .subquery()
    )
    return select(TranscriptRevision.id).join(
        newest,
        (TranscriptRevision.meeting_id == newest.c.meeting_id) & (TranscriptRevision.revision == newest.c.revision),
    )


class VocabularyEntry(Base):
    """A department's 単語登録: the spelling the minutes must use (``term``) and the spellings
    Whisper produces instead (``variants``) — ``models.draft.vocabulary.VocabularyEntry``."""

    __tablename__ = "vocabulary_entries"
    __table_args__ = (UniqueConstraint("department_id", "term", name="uq_vocabulary_entries_department_term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(200))  # 正しい表記 (canonical)
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)  # 誤変換・読み
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditLog(Base):
    """Who viewed/edited/exported/deleted what, when. Plain ids (no FKs) so rows outlive targets."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None]  # None: the system (retention sweep, worker)
    username: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32), default="")
    target_id: Mapped[int | None]
    department_id: Mapped[int | None]
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(64), default="")


class Survey(Base):
    """One user's satisfaction survey for one meeting (issue 6); editable until its month is
    closed. The month is the meeting's processing month (see ``service.kpi.surveys``)."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_surveys_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    satisfaction: Mapped[Satisfaction] = mapped_column(_enum(Satisfaction, 24))
    continued_use: Mapped[ContinuedUse] = mapped_column(_enum(ContinuedUse))
    estimated_minutes: Mapped[float]  # how long the minutes would have taken without the system
    review_minutes: Mapped[float] = mapped_column(default=0.0)  # checking time the editor did not measure
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class EditingTime(Base):
    """Active editing time the editor measured, accumulated per user × meeting."""

    __tablename__ = "editing_times"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", name="uq_editing_times_meeting_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    active_seconds: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MonthClosure(Base):
    """A closed month (締め): surveys and editing times of meetings processed in it are frozen.
    ``department_id`` None closes the month for every department."""

    __tablename__ = "month_closures"
    __table_args__ = (
        UniqueConstraint("year", "month", "department_id", name="uq_month_closures_year_month_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"))
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    closed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")


class VoicePerson(Base):
    """A department's registered voice (話者登録, issue 13): ``label`` is what the minutes print
    (委員長（佐藤）). Deleting the person deletes every print and match (biometric data)."""

    __tablename__ = "voice_people"
    __table_args__ = (UniqueConstraint("department_id", "label", name="uq_voice_people_department_label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(100), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    prints: Mapped[list[VoicePrintRow]] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True, order_by="VoicePrintRow.id"
    )


class VoicePrintRow(Base):
    """One voiceprint: float32 vector bytes from ``encoder``; ``meeting_id`` the meeting it came
    from (None: an uploaded sample). Never exported."""

    __tablename__ = "voice_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("voice_people.id", ondelete="CASCADE"), index=True)
    encoder: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    seconds: Mapped[float] = mapped_column(default=0.0)  # speech the print was made from
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(300), default="")  # meeting title or uploaded file name
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[VoicePerson] = relationship(back_populates="prints")


class VoiceMatchRow(Base):
    """A meeting's speaker the pipeline named from the registry, until staff accept or reject it.
    ``status``: suggested, accepted, rejected (the speaker went back to 話者N)."""

    __tablename__ = "voice_matches"
    __table_args__ = (UniqueConstraint("meeting_id", "speaker", name="uq_voice_matches_meeting_speaker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[str] = mapped_column(String(64))  # the diarizer's id, e.g. SPEAKER_01
    person_id: Mapped[int] = mapped_column(ForeignKey("voice_people.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    score: Mapped[float]
    margin: Mapped[float]
    status: Mapped[str] = mapped_column(String(16), default="suggested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

"""Audio retention: recordings are deleted GIJIROKU_AUDIO_RETENTION_DAYS after upload (personal
data minimisation); meetings and transcripts stay. Run by the service periodically and by
``gijiroku retention sweep``."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.audit import record
from service.config import Settings
from service.db.base import utcnow
from service.db.models import Job, JobStatus, Meeting, User
from service.storage import remove_audio

log = logging.getLogger(__name__)


def delete_audio(
    db: Session, settings: Settings, meeting: Meeting, user: User | None, reason: str, ip: str = ""
) -> None:
    """Delete one meeting's audio file and mark it; audited. The caller commits."""
    remove_audio(settings, meeting)
    meeting.audio_deleted_at = utcnow()
    record(db, user, "audio_deleted", meeting=meeting, ip=ip, reason=reason)


def sweep(db: Session, settings: Settings) -> int:
    """Delete audio past retention (skipping meetings whose job is still active); returns the count."""
    cutoff = utcnow() - dt.timedelta(days=settings.audio_retention_days)
    active = select(Job.meeting_id).where(Job.status.in_([JobStatus.queued, JobStatus.running]))
    due = db.scalars(
        select(Meeting).where(
            Meeting.created_at < cutoff, Meeting.audio_deleted_at.is_(None), Meeting.id.not_in(active)
        )
    ).all()
    for meeting in due:
        delete_audio(db, settings, meeting, None, "retention")
        db.commit()
    if due:
        log.info("retention: deleted audio of %d meeting(s)", len(due))
    return len(due)

"""The department voice registry (話者登録, issue 13) on the database: what the API and the job runner
share. Enrolment and matching use ``models.voices``, as ``gijiroku voices`` does with its file.

Privacy: prints are biometric data. They are reached only through their person's department
(``person_for_user``), never leave the server (no route returns a vector, no export reads this
table), every enrol/match/delete writes an audit row, and ``GIJIROKU_VOICE_PROFILES=false`` stops
all of it (``require_enabled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from models.errors import GijirokuError
from models.pipeline import RunOptions
from models.voices.enrol import MAX_PRINTS_PER_PERSON
from models.voices.matching import MatchPolicy, Person, VoiceMatch, VoicePrint, VoiceRegistry
from service.audit import record
from service.auth.roles import Permission, has_permission
from service.config import Settings
from service.db.base import utcnow
from service.db.models import Job, User, VoiceMatchRow, VoicePerson, VoicePrintRow
from service.errors import not_found


def require_enabled(settings: Settings) -> None:
    if not settings.voice_profiles:
        raise GijirokuError(
            "voice_profiles_disabled",
            "話者登録は無効に設定されています。",
            "Voice profiles are turned off (GIJIROKU_VOICE_PROFILES).",
            status=404,
        )


def person_for_user(db: Session, user: User, person_id: int) -> VoicePerson:
    """A person of the user's department (any, for an admin); another department's is "not found"."""
    person = db.get(VoicePerson, person_id)
    if person is None or (
        person.department_id != user.department_id and not has_permission(user, Permission.all_departments)
    ):
        raise not_found("登録話者", "registered voice")
    return person


def print_for_user(db: Session, user: User, print_id: int) -> VoicePrintRow:
    row = db.get(VoicePrintRow, print_id)
    if row is None:
        raise not_found("声紋", "voiceprint")
    person_for_user(db, user, row.person_id)
    return row


def department_people(db: Session, department_id: int) -> list[VoicePerson]:
    stmt = (
        select(VoicePerson)
        .where(VoicePerson.department_id == department_id)
        .options(selectinload(VoicePerson.prints))
        .order_by(VoicePerson.label)
    )
    return list(db.scalars(stmt))


def department_registry(db: Session, department_id: int, policy: MatchPolicy) -> VoiceRegistry:
    """The department's people as the pipeline sees them (ids are the database ids as text)."""
    people = tuple(
        Person(
            id=str(p.id),
            label=p.label,
            name=p.name,
            title=p.title,
            prints=tuple(VoicePrint(str(v.id), v.encoder, np.frombuffer(v.vector, dtype=np.float32)) for v in p.prints),
        )
        for p in department_people(db, department_id)
        if p.prints
    )
    return VoiceRegistry(people, policy)


def with_department_voices(db: Session, settings: Settings, department_id: int, options: RunOptions) -> RunOptions:
    """A job's options plus its department's registry, when the feature is on and has people."""
    if not settings.voice_profiles:
        return options
    registry = department_registry(db, department_id, settings.voice_match_policy)
    return replace(options, voices=registry) if registry.people else options


def add_print(
    db: Session,
    user: User,
    department_id: int,
    label: str,
    vector: np.ndarray,
    encoder: str,
    *,
    seconds: float,
    source: str,
    meeting_id: int | None = None,
    ip: str = "",
) -> VoicePerson:
    """Enrol: the person printed as ``label`` (created if new) gets a print; one print per meeting
    (a second enrolment from the same meeting replaces it), at most ``MAX_PRINTS_PER_PERSON``."""
    label = label.strip()
    person = db.scalar(
        select(VoicePerson).where(VoicePerson.department_id == department_id, VoicePerson.label == label)
    )
    if person is None:
        person = VoicePerson(department_id=department_id, label=label, created_by_id=user.id)
        db.add(person)
    if meeting_id is not None:
        for old in [v for v in person.prints if v.meeting_id == meeting_id]:
            person.prints.remove(old)
    person.prints.append(
        VoicePrintRow(
            encoder=encoder,
            vector=np.asarray(vector, dtype=np.float32).tobytes(),
            seconds=round(seconds, 1),
            meeting_id=meeting_id,
            source=source[:300],
            created_by_id=user.id,
        )
    )
    for old in person.prints[:-MAX_PRINTS_PER_PERSON]:
        person.prints.remove(old)
    db.flush()
    record(
        db,
        user,
        "voice_enrolled",
        target_type="voice_person",
        target_id=person.id,
        department_id=department_id,
        ip=ip,
        label=label,
        meeting_id=meeting_id,
    )
    return person


def delete_person(db: Session, user: User, person: VoicePerson, ip: str = "") -> None:
    """Remove the person, every print and every match naming them."""
    record(
        db,
        user,
        "voice_person_deleted",
        target_type="voice_person",
        target_id=person.id,
        department_id=person.department_id,
        ip=ip,
        label=person.label,
        prints=len(person.prints),
    )
    db.execute(delete(VoiceMatchRow).where(VoiceMatchRow.person_id == person.id))
    db.delete(person)  # its prints go with it (ORM cascade, and ON DELETE CASCADE in the schema)


def delete_print(db: Session, user: User, row: VoicePrintRow, ip: str = "") -> None:
    person = row.person
    record(
        db,
        user,
        "voice_print_deleted",
        target_type="voice_print",
        target_id=row.id,
        department_id=person.department_id,
        ip=ip,
        person_id=person.id,
    )
    person.prints.remove(row)


def store_matches(db: Session, job_id: int, matches: Sequence[VoiceMatch]) -> None:
    """After a job: the speakers it named become suggestions for staff (a re-run replaces the old)."""
    job = db.get(Job, job_id)
    assert job is not None
    db.execute(delete(VoiceMatchRow).where(VoiceMatchRow.meeting_id == job.meeting_id))
    for m in matches:
        db.add(
            VoiceMatchRow(
                meeting_id=job.meeting_id,
                speaker=m.speaker,
                person_id=int(m.person_id),
                label=m.label,
                score=m.score,
                margin=m.margin,
            )
        )
        record(
            db,
            None,
            "voice_matched",
            target_type="meeting",
            target_id=job.meeting_id,
            department_id=job.meeting.department_id,
            speaker=m.speaker,
            person_id=int(m.person_id),
            score=m.score,
        )


def decide(db: Session, user: User, row: VoiceMatchRow, status: str, ip: str = "") -> None:
    row.status, row.decided_by_id, row.decided_at = status, user.id, utcnow()
    record(
        db,
        user,
        f"voice_match_{status}",
        target_type="meeting",
        target_id=row.meeting_id,
        ip=ip,
        speaker=row.speaker,
        person_id=row.person_id,
    )


def confidence_mark(score: float, policy: MatchPolicy) -> str:
    """◎ well above the threshold, ○ just above it: what the editor shows beside a matched name."""
    return "◎" if score >= policy.threshold + 0.05 else "○"

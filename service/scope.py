"""Department isolation, in one place.

Every query for meetings (and what hangs off them: jobs, transcripts, audio, exports) goes through
``visible_meetings``; single objects through ``meeting_for_user`` / ``job_for_user``, which answer
404 for another department's data so its existence is not disclosed. Only admins see every
department's meetings; evaluators read cross-department *reports* (``report_scope_all_departments``).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from service.auth.roles import Permission, has_permission
from service.db.models import Department, Job, Meeting, User, VocabularyEntry
from service.errors import forbidden, not_found


def visible_meetings(user: User, *, department_id: int | None = None) -> Select[Meeting]:
    """``department_id`` narrows the list to one department (the 会議一覧 filter): any one for
    users who see all departments; for the rest only their own, another answers 403 (as for
    reports) rather than an empty list that would look like the department had no meetings."""
    stmt = select(Meeting)
    if not has_permission(user, Permission.all_departments):
        if department_id is not None and department_id != user.department_id:
            raise forbidden()
        stmt = stmt.where(Meeting.department_id == user.department_id)
    elif department_id is not None:
        stmt = stmt.where(Meeting.department_id == department_id)
    return stmt


def meeting_for_user(db: Session, user: User, meeting_id: int) -> Meeting:
    meeting = db.scalar(visible_meetings(user).where(Meeting.id == meeting_id))
    if meeting is None:
        raise not_found("会議", "meeting")
    return meeting


def job_for_user(db: Session, user: User, job_id: int) -> Job:
    job = db.scalar(
        select(Job).where(Job.id == job_id, Job.meeting_id.in_(visible_meetings(user).with_only_columns(Meeting.id)))
    )
    if job is None:
        raise not_found("ジョブ", "job")
    return job


def department_for_user(db: Session, user: User, department_id: int | None) -> Department:
    """The department a user acts in: their own, or any one an admin names."""
    if department_id is None:
        department_id = user.department_id
    elif department_id != user.department_id and not has_permission(user, Permission.all_departments):
        raise not_found("部署", "department")
    department = db.get(Department, department_id) if department_id is not None else None
    if department is None:
        raise not_found("部署", "department")
    return department


def vocabulary_entry_for_user(db: Session, user: User, entry_id: int) -> VocabularyEntry:
    entry = db.get(VocabularyEntry, entry_id)
    if entry is None or (
        entry.department_id != user.department_id and not has_permission(user, Permission.all_departments)
    ):
        raise not_found("用語", "vocabulary entry")
    return entry

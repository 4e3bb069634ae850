"""The audit log: one call per viewed/edited/exported/deleted thing, written in the same
transaction as the change it describes so the log and the data cannot disagree."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.db.models import AuditLog, Meeting, User


def record(
    db: Session,
    user: User | None,
    action: str,
    *,
    meeting: Meeting | None = None,
    target_type: str = "",
    target_id: int | None = None,
    department_id: int | None = None,
    ip: str = "",
    **detail: Any,
) -> None:
    """Add an audit row; ``meeting`` fills target and department. ``user=None`` is the system."""
    if meeting is not None:
        target_type, target_id, department_id = "meeting", meeting.id, meeting.department_id
    db.add(
        AuditLog(
            user_id=user.id if user else None,
            username=user.username if user else "system",
            action=action,
            target_type=target_type,
            target_id=target_id,
            department_id=department_id,
            detail=detail,
            ip=ip,
        )
    )

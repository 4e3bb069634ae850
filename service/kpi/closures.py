"""Month closing (締め): a closed month freezes the surveys and editing times of the meetings
processed in it, so the figures reported for it stop changing. The JSON API and the report page
both close and reopen months through these functions (the caller commits)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.audit import record
from service.db.models import Department, MonthClosure, User
from service.errors import not_found
from service.kpi.periods import Period


def closure_for(db: Session, department_id: int, year: int, month: int) -> MonthClosure | None:
    """The closure covering this department-month: its own or the whole month's."""
    return db.scalar(
        select(MonthClosure)
        .where(
            MonthClosure.year == year,
            MonthClosure.month == month,
            or_(MonthClosure.department_id.is_(None), MonthClosure.department_id == department_id),
        )
        .limit(1)
    )


def month_closed_error(label: str) -> GijirokuError:
    return GijirokuError(
        "month_closed",
        f"{label}分は締め済みのため、変更できません。変更が必要な場合は管理者に締めの解除を依頼してください。",
        f"The month ({label}) is closed; ask an administrator to reopen it.",
        status=409,
    )


def list_closures(db: Session) -> Sequence[MonthClosure]:
    """Closed months (department-months and whole months), newest first."""
    return db.scalars(
        select(MonthClosure).order_by(MonthClosure.year.desc(), MonthClosure.month.desc(), MonthClosure.id)
    ).all()


def close_month(db: Session, user: User, year: int, month: int, department_id: int | None, ip: str) -> MonthClosure:
    """Close a department-month (or the whole month with ``department_id`` None) and audit it;
    404 for an unknown department, 409 if it already is closed. NULL never equals NULL in a
    unique index, so whole-month duplicates are checked here; a department closure under a
    closed whole month is redundant but harmless."""
    if department_id is not None and db.get(Department, department_id) is None:
        raise not_found("部署", "department")
    existing = db.scalar(
        select(MonthClosure).where(
            MonthClosure.year == year,
            MonthClosure.month == month,
            MonthClosure.department_id.is_(None)
            if department_id is None
            else MonthClosure.department_id == department_id,
        )
    )
    if existing is not None:
        raise GijirokuError(
            "already_closed",
            f"{Period.of_month(year, month).label}分はすでに締め済みです。",
            "That month is already closed.",
            status=409,
        )
    row = MonthClosure(year=year, month=month, department_id=department_id, closed_by_id=user.id)
    db.add(row)
    db.flush()
    record(
        db,
        user,
        "month_closed",
        target_type="month_closure",
        target_id=row.id,
        department_id=department_id,
        ip=ip,
        year=year,
        month=month,
    )
    return row


def reopen_month(db: Session, user: User, closure_id: int, ip: str) -> None:
    """Delete a closure (audited); 404 when there is none with that id."""
    row = db.get(MonthClosure, closure_id)
    if row is None:
        raise not_found("締め", "month closure")
    record(
        db,
        user,
        "month_reopened",
        target_type="month_closure",
        target_id=row.id,
        department_id=row.department_id,
        ip=ip,
        year=row.year,
        month=row.month,
    )
    db.delete(row)

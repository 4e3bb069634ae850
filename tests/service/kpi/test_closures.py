"""Month closing (service/kpi/closures.py): the rules the closures API and the report page's
forms share — unknown department 404, a second closure of the same month 409, every close and
reopen audited, the caller commits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.errors import GijirokuError
from service.db.models import AuditLog, Department, MonthClosure, User
from service.kpi.closures import close_month, closure_for, list_closures, reopen_month


def test_close_list_and_reopen_are_audited(app, client):
    with app.state.ctx.sessions() as db:
        admin = db.scalar(select(User).where(User.username == "admin"))
        soumu = db.scalar(select(Department).where(Department.name == "総務課"))
        whole = close_month(db, admin, 2025, 3, None, "192.0.2.1")
        own = close_month(db, admin, 2025, 4, soumu.id, "192.0.2.1")
        db.commit()
        assert [(c.year, c.month, c.department_id) for c in list_closures(db)] == [(2025, 4, soumu.id), (2025, 3, None)]
        assert closure_for(db, soumu.id + 1, 2025, 3) == whole  # the whole month covers every department
        assert closure_for(db, soumu.id + 1, 2025, 4) is None  # 総務課's April only
        reopen_month(db, admin, own.id, "192.0.2.1")
        db.commit()
        assert list(list_closures(db)) == [whole]
        audit = db.execute(select(AuditLog.action, AuditLog.target_id, AuditLog.ip).order_by(AuditLog.id)).all()
    assert [tuple(a) for a in audit] == [
        ("month_closed", whole.id, "192.0.2.1"),
        ("month_closed", own.id, "192.0.2.1"),
        ("month_reopened", own.id, "192.0.2.1"),
    ]


def test_refusals_write_nothing(app, client):
    with app.state.ctx.sessions() as db:
        admin = db.scalar(select(User).where(User.username == "admin"))
        close_month(db, admin, 2025, 3, None, "")
        db.commit()
        for attempt, code, status in [
            (lambda: close_month(db, admin, 2025, 3, None, ""), "already_closed", 409),
            (lambda: close_month(db, admin, 2025, 5, 999, ""), "not_found", 404),
            (lambda: reopen_month(db, admin, 999, ""), "not_found", 404),
        ]:
            with pytest.raises(GijirokuError) as exc:
                attempt()
            assert (exc.value.code, exc.value.status) == (code, status)
        db.rollback()
        assert db.scalar(select(MonthClosure.id).where(MonthClosure.month == 5)) is None
        assert [a for a in db.scalars(select(AuditLog.action))] == ["month_closed"]

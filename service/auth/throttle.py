"""Login throttling, kept in the database so every API node agrees.

Two keys are counted per attempt: the username with the client IP (``login_max_failures``) and
the client IP alone (``login_max_failures_per_address``, so an address trying many usernames is
stopped too). An attempt is counted *before* its password is checked, by one conditional UPDATE
per key that only succeeds while the key is under its limit: check and count are a single
statement, so fifteen parallel attempts cannot all pass the check before any is counted. SQLite
serialises it with the database write lock (the busy timeout in ``service.db.session`` makes the
others wait rather than fail); PostgreSQL with the row lock, re-evaluating the WHERE on the
locked row. A successful login clears the username key and gives the address its attempt back,
so only failures use up the budget.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.base import UTCDateTime, utcnow
from service.db.models import LoginThrottle
from service.db.session import rows_matched
from service.errors import GijirokuHTTPError


def _keys(settings: Settings, username: str, ip: str) -> list[tuple[str, int]]:
    """(key, limit) in a fixed order, so concurrent attempts lock rows in the same order."""
    return [
        (f"user:{username.strip().lower()[:200]}|{ip}", settings.login_max_failures),
        (f"ip:{ip}", settings.login_max_failures_per_address),
    ]


def _insert(db: Session) -> Any:
    return (postgresql if db.get_bind().dialect.name == "postgresql" else sqlite).insert


def _locked(retry_seconds: float) -> GijirokuHTTPError:
    retry = max(1, math.ceil(retry_seconds))
    return GijirokuHTTPError(
        "too_many_attempts",
        f"ログインの失敗が続いたため、一時的にロックしています。{math.ceil(retry / 60)}分後に再度お試しください。",
        f"Too many failed logins; try again in {retry} seconds.",
        status=429,
        headers={"Retry-After": str(retry)},
    )


def count_attempt(db: Session, settings: Settings, username: str, ip: str) -> None:
    """Count this attempt against both keys, or raise 429 (counting nothing) when either is at
    its limit. Commits, so no lock is held while the slow password hash runs."""
    now = utcnow()
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    stale = LoginThrottle.window_start <= now - window  # the window has passed: start a new one
    for key, limit in _keys(settings, username, ip):
        db.execute(
            _insert(db)(LoginThrottle)
            .values(key=key, failures=0, window_start=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        counted = db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key, or_(stale, LoginThrottle.failures < limit))
            .values(
                failures=case((stale, 1), else_=LoginThrottle.failures + 1),
                window_start=case((stale, literal(now, UTCDateTime())), else_=LoginThrottle.window_start),
            )
            .returning(LoginThrottle.failures)
            .execution_options(synchronize_session=False)
        ).first()
        if counted is None:
            started = db.scalar(select(LoginThrottle.window_start).where(LoginThrottle.key == key)) or now
            db.rollback()
            raise _locked((started + window - now).total_seconds())
    db.commit()


def succeeded(db: Session, settings: Settings, username: str, ip: str) -> None:
    """The password was right: forget the username's failures, refund the address's attempt."""
    (user_key, _), (ip_key, _) = _keys(settings, username, ip)
    db.execute(delete(LoginThrottle).where(LoginThrottle.key == user_key))
    db.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == ip_key, LoginThrottle.failures > 0)
        .values(failures=LoginThrottle.failures - 1)
        .execution_options(synchronize_session=False)
    )


def purge_lapsed(db: Session, settings: Settings) -> int:
    """Delete counters whose window has passed (they would restart at zero anyway), so the table
    holds only the addresses and usernames of the current window. The caller commits."""
    cutoff = utcnow() - dt.timedelta(minutes=settings.login_lockout_minutes)
    res = db.execute(delete(LoginThrottle).where(LoginThrottle.window_start <= cutoff))
    return rows_matched(res)

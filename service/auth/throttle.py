"""Login throttling per username + client IP, kept in the database so every API node agrees."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.config import Settings
from service.db.base import utcnow
from service.db.models import LoginFailure
from service.errors import GijirokuHTTPError


def _key(username: str, ip: str) -> str:
    return f"{username.strip().lower()[:200]}|{ip}"


def check_allowed(db: Session, settings: Settings, username: str, ip: str) -> None:
    """Raise 429 with Retry-After while the key has too many recent failures."""
    window = dt.timedelta(minutes=settings.login_lockout_minutes)
    since = utcnow() - window
    count, oldest = db.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.key == _key(username, ip), LoginFailure.at > since
        )
    ).one()
    if count >= settings.login_max_failures:
        oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=dt.UTC)
        retry = max(1, math.ceil((oldest_at + window - utcnow()).total_seconds()))
        raise GijirokuHTTPError(
            "too_many_attempts",
            f"ログインの失敗が続いたため、一時的にロックしています。{math.ceil(retry / 60)}分後に再度お試しください。",
            f"Too many failed logins; try again in {retry} seconds.",
            status=429,
            headers={"Retry-After": str(retry)},
        )


def record_failure(db: Session, username: str, ip: str) -> None:
    db.add(LoginFailure(key=_key(username, ip)))


def clear(db: Session, username: str, ip: str) -> None:
    db.execute(delete(LoginFailure).where(LoginFailure.key == _key(username, ip)))

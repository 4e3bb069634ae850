"""Checking credentials and starting/ending browser sessions; shared by the JSON API and the
server-rendered login page so throttling and auditing happen the same way for both."""

from __future__ import annotations

import datetime as dt

from fastapi import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.audit import record
from service.auth import throttle
from service.auth.passwords import verify_password
from service.auth.tokens import CSRF_COOKIE, SESSION_COOKIE, issue_token
from service.config import Settings
from service.db.models import AuthToken, TokenKind, User


def check_credentials(db: Session, settings: Settings, username: str, password: str, ip: str) -> User:
    """The active user for these credentials; 429 while throttled, 401 otherwise. Commits."""
    throttle.count_attempt(db, settings, username, ip)
    user = db.scalar(select(User).where(User.username == username))
    if user is None or not user.is_active or not verify_password(user.password_hash if user else None, password):
        record(
            db,
            user,
            "login_failed",
            target_type="user",
            target_id=user.id if user else None,
            ip=ip,
            username=username[:100],
        )
        db.commit()
        raise GijirokuError(
            "invalid_credentials",
            "ユーザー名またはパスワードが正しくありません。",
            "Wrong username or password.",
            status=401,
        )
    throttle.succeeded(db, settings, username, ip)
    return user


def start_browser_session(db: Session, settings: Settings, user: User, response: Response, ip: str) -> AuthToken:
    """Issue a session row, set the HttpOnly session cookie and the readable CSRF cookie."""
    lifetime = dt.timedelta(hours=settings.session_hours)
    secret, row = issue_token(db, user, TokenKind.session, lifetime)
    record(db, user, "login", target_type="user", target_id=user.id, ip=ip)
    db.commit()
    max_age = int(lifetime.total_seconds())
    for name, value, httponly in ((SESSION_COOKIE, secret, True), (CSRF_COOKIE, row.csrf_token or "", False)):
        response.set_cookie(
            name, value, max_age=max_age, path="/", secure=settings.cookie_secure, httponly=httponly, samesite="lax"
        )
    return row


def end_browser_session(db: Session, token: AuthToken, response: Response, ip: str) -> None:
    record(db, token.user, "logout", target_type="user", target_id=token.user_id, ip=ip)
    db.delete(token)
    db.commit()
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")

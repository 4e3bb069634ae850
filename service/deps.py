"""FastAPI dependencies and their ``Annotated`` aliases — the vocabulary every router uses.

    def route(db: SessionDep, user: CurrentUser, meeting: VisibleMeeting): ...
    def route(user: Annotated[User, Depends(require(Permission.edit))]): ...

``CurrentUser`` authenticates (bearer token or session cookie) and, for cookie sessions on unsafe
methods, checks the CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from models.errors import GijirokuError
from service.auth.origin import cross_origin_error, same_origin
from service.auth.roles import Permission, has_permission
from service.auth.tokens import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_matches, resolve_token
from service.config import Settings
from service.context import AppContext
from service.db.models import AuthToken, Job, Meeting, TokenKind, User
from service.errors import GijirokuHTTPError, forbidden
from service.schemas import MAX_ID
from service.scope import job_for_user, meeting_for_user

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_context(request: Request) -> AppContext:
    return request.app.state.ctx


def settings_dep(ctx: Annotated[AppContext, Depends(get_context)]) -> Settings:
    """The application's settings (``ctx.settings``) — not ``service.config.get_settings``, which
    reads the environment; a test's app carries its own."""
    return ctx.settings


def get_db(ctx: Annotated[AppContext, Depends(get_context)]) -> Iterator[Session]:
    """One session per request; routes commit explicitly, anything uncommitted is rolled back."""
    with ctx.sessions() as session:
        yield session


ContextDep = Annotated[AppContext, Depends(get_context)]
SettingsDep = Annotated[Settings, Depends(settings_dep)]
SessionDep = Annotated[Session, Depends(get_db)]


@dataclass
class Auth:
    user: User
    token: AuthToken
    via_cookie: bool


def _unauthenticated() -> GijirokuHTTPError:
    return GijirokuHTTPError(
        "unauthenticated",
        "ログインしてください。",
        "Please log in.",
        status=401,
        headers={"WWW-Authenticate": "Bearer"},
    )


def authenticate(request: Request, db: SessionDep) -> Auth:
    """Bearer token first (scripts), then the session cookie (browser)."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        row = resolve_token(db, secret.strip(), TokenKind.api)
        if row is None:
            raise _unauthenticated()
        return Auth(row.user, row, via_cookie=False)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        row = resolve_token(db, cookie, TokenKind.session)
        if row is not None:
            return Auth(row.user, row, via_cookie=True)
    raise _unauthenticated()


AuthDep = Annotated[Auth, Depends(authenticate)]


def csrf_failed() -> GijirokuError:
    return GijirokuError(
        "csrf_failed",
        "セッションの確認に失敗しました。ページを再読み込みしてからやり直してください。",
        "CSRF token missing or invalid; reload the page and try again.",
        status=403,
    )


def csrf_header_ok(request: Request, auth: Auth) -> bool | None:
    """True/False when the header decides; None when a cookie request has no header."""
    if not auth.via_cookie or request.method in SAFE_METHODS:
        return True
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        return None
    return csrf_matches(auth.token, presented)


async def current_user(request: Request, auth: AuthDep, settings: SettingsDep) -> User:
    ok = csrf_header_ok(request, auth)
    if ok is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        field = form.get(CSRF_FIELD)
        ok = csrf_matches(auth.token, field if isinstance(field, str) else None)
    if not ok:
        raise csrf_failed()
    if auth.via_cookie and request.method not in SAFE_METHODS and not same_origin(request, settings):
        raise cross_origin_error()  # defence in depth: a cookie write sent from another site
    return auth.user


CurrentUser = Annotated[User, Depends(current_user)]


def require(permission: Permission) -> Callable[[User], User]:
    """Dependency factory: the current user, or 403 when their role lacks ``permission``."""

    def dependency(user: CurrentUser) -> User:
        if not has_permission(user, permission):
            raise forbidden()
        return user

    dependency.__name__ = f"require_{permission.value}"
    return dependency


Viewer = Annotated[User, Depends(require(Permission.view))]
Uploader = Annotated[User, Depends(require(Permission.upload))]
Editor = Annotated[User, Depends(require(Permission.edit))]
Exporter = Annotated[User, Depends(require(Permission.export))]
Deleter = Annotated[User, Depends(require(Permission.delete))]
Admin = Annotated[User, Depends(require(Permission.manage))]


PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def visible_meeting(meeting_id: PathId, db: SessionDep, user: CurrentUser) -> Meeting:
    return meeting_for_user(db, user, meeting_id)


def visible_job(job_id: PathId, db: SessionDep, user: CurrentUser) -> Job:
    return job_for_user(db, user, job_id)


VisibleMeeting = Annotated[Meeting, Depends(visible_meeting)]
VisibleJob = Annotated[Job, Depends(visible_job)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""

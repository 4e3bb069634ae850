"""Shared plumbing for HTML pages: the Jinja2 environment, the "who is logged in" dependency
that answers ``None`` instead of 401 (pages redirect to the login form instead), and ``render``,
which adds what ``base.html`` needs (user, CSRF token, navigation rights) to every template."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BeforeValidator

from service.auth.roles import Permission, has_permission
from service.auth.tokens import SESSION_COOKIE, resolve_token
from service.db.models import AuthToken, Role, TokenKind, User
from service.deps import SessionDep
from service.schemas import MAX_ID

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))

ROLE_LABELS = {Role.clerk: "事務担当", Role.staff: "職員", Role.evaluator: "評価担当", Role.admin: "管理者"}


@dataclass
class PageAuth:
    """The logged-in browser session of a page request."""

    user: User
    token: AuthToken

    @property
    def csrf(self) -> str:
        return self.token.csrf_token or ""

    def can(self, permission: Permission) -> bool:
        return has_permission(self.user, permission)


def _page_auth(request: Request, db: SessionDep) -> PageAuth | None:
    """The session cookie's user, or ``None`` (pages only use cookies, never bearer tokens)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    row = resolve_token(db, cookie, TokenKind.session)
    if row is None or not row.user.is_active:
        return None
    return PageAuth(row.user, row)


def _id_or_zero(value: object) -> object:
    """A path segment that cannot be a row id (not decimal, 0, beyond the database's integer, the
    same ``MAX_ID`` bound the API checks) becomes 0, which no row has: the page then answers its
    ordinary 404 instead of a 422 JSON body, or a 500 when SQLite cannot bind a huge integer."""
    if isinstance(value, str):
        return int(value) if len(value) <= 10 and value.isascii() and value.isdecimal() and 0 < int(value) <= MAX_ID else 0
    return value


PageId = Annotated[int, BeforeValidator(_id_or_zero)]
"""The type of every id in an HTML route's path (``/meetings/{meeting_id}``)."""

page_auth = Depends(_page_auth)
MaybeAuth = Annotated[PageAuth | None, page_auth]


def login_redirect(request: Request) -> RedirectResponse:
    """303 to /login, remembering where the user wanted to go (same-site paths only)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def render(request: Request, template: str, auth: PageAuth | None, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the common context ``base.html`` uses."""
    user = auth.user if auth else None
    common = {
        "user": user,
        "csrf": auth.csrf if auth else "",
        "role_label": ROLE_LABELS.get(user.role, "") if user else "",
        "can_upload": bool(auth and auth.can(Permission.upload)),
        "can_edit": bool(auth and auth.can(Permission.edit)),
        "can_export": bool(auth and auth.can(Permission.export)),
        "can_delete": bool(auth and auth.can(Permission.delete)),
        "can_reports": bool(auth and auth.can(Permission.read_reports)),
        "is_admin": bool(auth and auth.can(Permission.manage)),
        "active": context.pop("active", ""),
    }
    return TEMPLATES.TemplateResponse(request, template, {**common, **context}, status_code=status_code)

"""Dependencies of the HTML pages: who is logged in, and what a page checks before its body runs.

    def page(request: Request, auth: PageUser): ...          # logged in, else 303 to the login form
    def submit(request: Request, auth: PageFormUser): ...    # also the form's csrf_token and Origin
    def admin(auth: Annotated[PageAuth, Depends(page_permission(Permission.manage))]): ...

They raise instead of returning responses: ``LoginRequired`` for a request without a session, a
``GijirokuError`` for the rest. The routes of ``page_router()`` (``service.web.render``) turn
those into the redirect and the Japanese error page, so a page body holds no such plumbing and a
POST page cannot forget CSRF: taking ``PageFormUser`` (or ``page_permission(..., form=True)``)
is the only way to get the user. Pages only use the session cookie, never bearer tokens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from pydantic import BeforeValidator

from models.errors import GijirokuError
from service.auth.origin import cross_origin_error, same_origin
from service.auth.roles import Permission, has_permission
from service.auth.tokens import CSRF_FIELD, SESSION_COOKIE, csrf_matches, resolve_token
from service.db.models import AuthToken, TokenKind, User
from service.deps import SessionDep, SettingsDep, csrf_failed
from service.schemas import MAX_ID

_AUTH_STATE = "page_auth"  # request.state attribute: the error page shows the usual header


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


class LoginRequired(Exception):
    """A page was requested without a valid session: answered with a 303 to /login."""


def _maybe_page_auth(request: Request, db: SessionDep) -> PageAuth | None:
    """The session cookie's user, or ``None``."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    row = resolve_token(db, cookie, TokenKind.session)
    if row is None or not row.user.is_active:
        return None
    auth = PageAuth(row.user, row)
    setattr(request.state, _AUTH_STATE, auth)
    return auth


def request_page_auth(request: Request) -> PageAuth | None:
    """The session a page dependency already resolved for this request, if any."""
    auth: PageAuth | None = getattr(request.state, _AUTH_STATE, None)
    return auth


async def page_user(auth: Annotated[PageAuth | None, Depends(_maybe_page_auth)]) -> PageAuth:
    if auth is None:
        raise LoginRequired()
    return auth


async def page_form_user(
    request: Request, auth: Annotated[PageAuth, Depends(page_user)], settings: SettingsDep
) -> PageAuth:
    """A form post from the session's own pages: the hidden ``csrf_token`` field must match the
    session's token (a JSON body or a header does not count here), and a browser that names
    another site as the sender (Origin/Referer) is refused as the API refuses cookie writes."""
    form = await request.form()
    presented = form.get(CSRF_FIELD)
    if not csrf_matches(auth.token, presented if isinstance(presented, str) else None):
        raise csrf_failed()
    if not same_origin(request, settings):
        raise cross_origin_error()
    return auth


MaybeAuth = Annotated[PageAuth | None, Depends(_maybe_page_auth)]
"""Pages open to everyone (``/``, the login form): the session or ``None``."""
PageUser = Annotated[PageAuth, Depends(page_user)]
"""A page for logged-in users; without a session the browser is sent to the login form."""
PageFormUser = Annotated[PageAuth, Depends(page_form_user)]
"""What every POST page takes: ``PageUser`` plus the form's CSRF token and the same-origin check."""


def page_forbidden() -> GijirokuError:
    return GijirokuError(
        "forbidden", "この画面を開く権限がありません。", "You are not allowed to open this page.", status=403
    )


def page_permission(permission: Permission, *, form: bool = False) -> Callable[..., Awaitable[PageAuth]]:
    """Dependency factory: ``PageUser`` (``PageFormUser`` with ``form=True``), or the 403 error
    page when the role lacks ``permission``."""

    def permitted(auth: PageAuth) -> PageAuth:
        if not auth.can(permission):
            raise page_forbidden()
        return auth

    # Two signatures rather than one built from a variable: FastAPI reads the annotations, which
    # can only name module-level aliases here (postponed annotations).
    async def page(auth: PageUser) -> PageAuth:
        return permitted(auth)

    async def page_form(auth: PageFormUser) -> PageAuth:
        return permitted(auth)

    dependency = page_form if form else page
    dependency.__name__ = f"page_{permission.value}{'_form' if form else ''}"
    return dependency


def _id_or_zero(value: object) -> object:
    """A path segment that cannot be a row id (not decimal, 0, beyond the database's integer, the
    same ``MAX_ID`` bound the API checks) becomes 0, which no row has: the page then answers its
    ordinary 404 instead of a 422, or a 500 when SQLite cannot bind a huge integer."""
    if isinstance(value, str):
        return (
            int(value) if len(value) <= 10 and value.isascii() and value.isdecimal() and 0 < int(value) <= MAX_ID else 0
        )
    return value


PageId = Annotated[int, BeforeValidator(_id_or_zero)]
"""The type of every id in an HTML route's path (``/meetings/{meeting_id}``)."""

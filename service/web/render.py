"""Shared plumbing for HTML pages: the Jinja2 environment, ``render``, which adds what
``base.html`` needs (user, CSRF token, navigation rights) to every template, and
``page_router()``, whose routes answer a page's failures as pages.

A page route turns ``LoginRequired`` (service.web.deps) into a 303 to the login form and a
``GijirokuError`` (or FastAPI's validation error, or any other exception: a bug shows its error
id) into ``error.html`` with the error's status and Japanese message; the API's routes keep their
JSON (service.errors). The error page is rendered
inside the route, while the request's database session is still open, so the header can show
the user as on any other page.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from models.errors import GijirokuError
from service.auth.roles import Permission
from service.db.models import Role
from service.errors import invalid_request, unexpected
from service.jobs.states import JOB_STAGE_LABELS
from service.web.deps import LoginRequired, PageAuth, request_page_auth

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
TEMPLATES = Jinja2Templates(directory=str(HERE / "templates"))
# the job stages in order with their Japanese names, [[stage, label], ...]: one list for Python and
# the pages (base.html's data-stage-labels; ``new Map(JSON.parse(...))`` in the browser)
TEMPLATES.env.globals["job_stage_labels"] = list(JOB_STAGE_LABELS.items())

ROLE_LABELS = {Role.clerk: "事務担当", Role.staff: "職員", Role.evaluator: "評価担当", Role.admin: "管理者"}


def render(
    request: Request, template: str, auth: PageAuth | None, status_code: int = 200, **context: Any
) -> HTMLResponse:
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
        # 話者登録 (issue 13): staff and admins, while GIJIROKU_VOICE_PROFILES is on
        "can_voices": bool(auth and auth.can(Permission.edit) and request.app.state.ctx.settings.voice_profiles),
        "active": context.pop("active", ""),
    }
    return TEMPLATES.TemplateResponse(request, template, {**common, **context}, status_code=status_code)


def login_redirect(request: Request) -> RedirectResponse:
    """303 to /login, remembering the page the user wanted (same-site paths only). A form post is
    no page to return to by GET, so after logging in its sender lands on the meeting list."""
    if request.method not in ("GET", "HEAD"):
        return RedirectResponse("/login", status_code=303)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, exc: GijirokuError) -> HTMLResponse:
    """``error.html`` with the error's status, Japanese message and headers (Retry-After…)."""
    response = render(request, "error.html", request_page_auth(request), status_code=exc.status, message=exc.ja)
    response.headers.update(getattr(exc, "headers", None) or {})
    return response


class PageRoute(APIRoute):
    """An HTML page's route: failures become the login redirect or the error page (see above)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return login_redirect(request)
            except RequestValidationError as exc:
                return await run_in_threadpool(error_page, request, invalid_request(exc))
            except GijirokuError as exc:
                return await run_in_threadpool(error_page, request, exc)
            except Exception as exc:  # a bug or a full disk: still a page, with the error id
                return await run_in_threadpool(error_page, request, unexpected(request, exc))

        return page_handler


def page_router() -> APIRouter:
    """The router every page module uses (not in the OpenAPI description, which is the API's)."""
    return APIRouter(include_in_schema=False, route_class=PageRoute)

"""HTML pages. They render a shell with the data the page needs at first paint; the JS modules
under ``static/js`` then talk to the JSON API (``/api/...``) with the CSRF header, so the API
stays the one place that checks permissions, scoping and revisions."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from models.errors import GijirokuError
from service.auth.login import check_credentials, end_browser_session, start_browser_session
from service.auth.origin import cross_origin_error, same_origin
from service.auth.passwords import MIN_PASSWORD_LENGTH
from service.auth.roles import Permission
from service.db.models import Department, Job, JobStatus, Role
from service.deps import SessionDep, SettingsDep, client_ip
from service.scope import meeting_for_user
from service.voices import require_enabled
from service.web.deps import MaybeAuth, PageAuth, PageFormUser, PageId, PageUser, page_permission
from service.web.render import ROLE_LABELS, page_router, render

router = page_router()


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link borrow our login page."""
    if not target:
        return "/meetings"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/meetings"
    return target


@router.get("/", response_class=HTMLResponse)
def home(auth: MaybeAuth) -> Response:
    return RedirectResponse("/meetings" if auth else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, auth: MaybeAuth, next: str | None = None) -> Response:
    if auth:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", None, next=_safe_next(next), error="", username="")


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    username: str = Form(default="", max_length=100),
    password: str = Form(default="", max_length=1000),
    next: str = Form(default="/meetings", max_length=2000),
) -> Response:
    """Form login (works without JS); a failed attempt re-renders the form with the API's message.
    A post from another site is refused before the credentials are looked at (login CSRF)."""
    ip = client_ip(request)
    if not same_origin(request, settings):
        return render(
            request,
            "login.html",
            None,
            status_code=403,
            next="/meetings",
            username="",
            error=cross_origin_error().message,
        )
    if not username or not password:
        return render(
            request,
            "login.html",
            None,
            status_code=422,
            next=_safe_next(next),
            username=username,
            error="ユーザー名とパスワードを入力してください。",
        )
    try:
        user = check_credentials(db, settings, username, password, ip)
    except GijirokuError as exc:
        return render(
            request, "login.html", None, status_code=exc.status, next=_safe_next(next), username=username, error=exc.ja
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    start_browser_session(db, settings, user, response, ip)
    return response


@router.post("/logout", response_class=HTMLResponse)
def logout(request: Request, auth: PageFormUser, db: SessionDep) -> Response:
    response = RedirectResponse("/login", status_code=303)
    end_browser_session(db, auth.token, response, client_ip(request))
    return response


@router.get("/meetings", response_class=HTMLResponse)
def meetings_page(request: Request, auth: PageUser, db: SessionDep) -> Response:
    return render(request, "meetings.html", auth, active="meetings", departments=_departments(db, auth))


def _departments(db: SessionDep, auth: PageAuth) -> list[Department]:
    """Every department for users who work across them (the upload form's 所属 choice, the
    meeting list's 部署 filter), else none."""
    return db.query(Department).order_by(Department.id).all() if auth.can(Permission.all_departments) else []


@router.get("/upload", response_class=HTMLResponse)
def upload_page(
    request: Request, auth: Annotated[PageAuth, Depends(page_permission(Permission.upload))], db: SessionDep
) -> Response:
    return render(request, "upload.html", auth, active="upload", departments=_departments(db, auth))


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def meeting_page(request: Request, meeting_id: PageId, auth: PageUser, db: SessionDep) -> Response:
    """``done`` shows the link to the draft (editor, or read-only view) at first paint; meeting.js
    keeps it in step with the job afterwards."""
    meeting = meeting_for_user(db, auth.user, meeting_id)
    latest = db.scalar(select(Job.status).where(Job.meeting_id == meeting.id).order_by(Job.id.desc()).limit(1))
    return render(request, "meeting.html", auth, active="meetings", meeting=meeting, done=latest == JobStatus.done)


@router.get("/meetings/{meeting_id}/edit", response_class=HTMLResponse)
def editor_page(request: Request, meeting_id: PageId, auth: PageUser, db: SessionDep) -> Response:
    meeting = meeting_for_user(db, auth.user, meeting_id)
    return render(request, "editor.html", auth, active="meetings", meeting=meeting)


@router.get("/vocabulary", response_class=HTMLResponse)
def vocabulary_page(request: Request, auth: PageUser, db: SessionDep) -> Response:
    return render(request, "vocabulary.html", auth, active="vocabulary", departments=_departments(db, auth))


@router.get("/voices", response_class=HTMLResponse)
def voices_page(
    request: Request,
    auth: Annotated[PageAuth, Depends(page_permission(Permission.edit))],
    db: SessionDep,
    settings: SettingsDep,
) -> Response:
    """話者登録: the department's registered voices (issue 13)."""
    require_enabled(settings)
    return render(request, "voices.html", auth, active="voices", departments=_departments(db, auth))


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, auth: Annotated[PageAuth, Depends(page_permission(Permission.manage))]) -> Response:
    roles = [(r.value, ROLE_LABELS[r]) for r in Role]
    return render(request, "admin.html", auth, active="admin", roles=roles, min_password=MIN_PASSWORD_LENGTH)

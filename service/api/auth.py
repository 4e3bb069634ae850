"""Login/logout for the browser, bearer tokens for scripts, the caller's own account."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response

from models.errors import GijirokuError
from service.audit import record
from service.auth.login import check_credentials, end_browser_session, start_browser_session
from service.auth.origin import cross_origin_error, same_origin
from service.auth.passwords import hash_password, verify_password
from service.auth.tokens import issue_token, revoke_user_tokens
from service.db.models import TokenKind
from service.deps import AuthDep, CurrentUser, SessionDep, SettingsDep, client_ip
from service.schemas import ApiTokenOut, Credentials, PasswordChange, SessionOut, TokenRequest, UserOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", response_model=SessionOut)
def login(body: Credentials, request: Request, response: Response, db: SessionDep, settings: SettingsDep) -> SessionOut:
    """Start a cookie session; the response's ``csrf_token`` goes into ``X-CSRF-Token`` on writes.
    403 when a browser sends it from another site (login CSRF)."""
    if not same_origin(request, settings):
        raise cross_origin_error()
    ip = client_ip(request)
    user = check_credentials(db, settings, body.username, body.password, ip)
    row = start_browser_session(db, settings, user, response, ip)
    return SessionOut(user=UserOut.model_validate(user), csrf_token=row.csrf_token or "", expires_at=row.expires_at)


@router.post("/logout", status_code=204)
def logout(auth: AuthDep, user: CurrentUser, db: SessionDep, request: Request, response: Response) -> Response:
    if auth.token.kind is TokenKind.session:
        end_browser_session(db, auth.token, response, client_ip(request))
    response.status_code = 204
    return response


@router.post("/token", response_model=ApiTokenOut)
def create_token(body: TokenRequest, request: Request, db: SessionDep, settings: SettingsDep) -> ApiTokenOut:
    """Exchange credentials for a bearer token (``Authorization: Bearer ...``); throttled like login."""
    ip = client_ip(request)
    user = check_credentials(db, settings, body.username, body.password, ip)
    secret, row = issue_token(db, user, TokenKind.api, dt.timedelta(days=settings.api_token_days), body.name)
    record(db, user, "token_created", target_type="user", target_id=user.id, ip=ip, name=body.name)
    db.commit()
    return ApiTokenOut(access_token=secret, expires_at=row.expires_at)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)


@router.post("/password", status_code=204)
def change_password(
    body: PasswordChange, auth: AuthDep, user: CurrentUser, db: SessionDep, request: Request
) -> Response:
    """Set a new password; every other session and token of the user ends, the caller's stays."""
    if not verify_password(user.password_hash, body.current_password):
        raise GijirokuError(
            "invalid_credentials", "現在のパスワードが正しくありません。", "The current password is wrong.", status=400
        )
    user.password_hash = hash_password(body.new_password)
    revoked = revoke_user_tokens(db, user, keep=auth.token)
    record(
        db,
        user,
        "password_changed",
        target_type="user",
        target_id=user.id,
        ip=client_ip(request),
        revoked_sessions=revoked,
    )
    db.commit()
    return Response(status_code=204)

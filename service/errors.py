"""Every error the API returns has one shape::

    {"error": code, "message_ja": "日本語", "message_en": "English", "detail": "日本語（English）"}

``message_ja``/``message_en`` are what clients show (the pages show the Japanese one); ``detail``
is both joined, kept for API clients written before the separate fields existed.

Routes raise ``GijirokuError`` (models/errors.py); the handlers here also translate FastAPI's own
validation errors and Starlette's HTTP errors (404 for unknown paths, 405) into that shape. HTML
pages render the same errors as a Japanese page instead (``service.web.render.PageRoute``).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import GijirokuError, new_error_id, unexpected_error
from service.security_headers import CONTENT_SECURITY_POLICY, HEADERS
from service.storage import disk_full, is_disk_full
from service.validation_messages import describe_all

log = logging.getLogger(__name__)


def error_response(exc: GijirokuError, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": exc.code, "message_ja": exc.ja, "message_en": exc.en, "detail": exc.message}
    return JSONResponse(body, status_code=exc.status, headers=headers)


def not_found(what: str = "指定されたデータ", en: str = "resource") -> GijirokuError:
    """404 also for data of another department: existence is not disclosed."""
    return GijirokuError("not_found", f"{what}が見つかりません。", f"The {en} was not found.", status=404)


def forbidden() -> GijirokuError:
    return GijirokuError("forbidden", "この操作を行う権限がありません。", "You are not allowed to do this.", status=403)


def unauthenticated() -> GijirokuError:
    return GijirokuError("unauthenticated", "ログインしてください。", "Please log in.", status=401)


class GijirokuHTTPError(GijirokuError):
    """A GijirokuError that carries response headers (Retry-After, WWW-Authenticate)."""

    def __init__(self, code: str, ja: str, en: str, *, status: int, headers: dict[str, str]) -> None:
        super().__init__(code, ja, en, status=status)
        self.headers = headers


_STATUS_MESSAGES = {
    404: ("not_found", "ページまたはデータが見つかりません。", "Not found."),
    405: ("method_not_allowed", "この操作はサポートされていません。", "Method not allowed."),
    413: ("too_large", "リクエストが大きすぎます。", "Request too large."),
}


def invalid_request(exc: RequestValidationError) -> GijirokuError:
    """FastAPI's validation error as ours, naming the fields (never the values): in Japanese by
    their form labels and what is wrong (``service.validation_messages``), in English by name."""
    fields = sorted(
        {".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")) for e in exc.errors()}
    )
    return GijirokuError(
        "invalid_request",
        f"入力内容に誤りがあります。{describe_all(exc.errors())}",
        f"Invalid request: {', '.join(f for f in fields if f) or 'body'}",
        status=422,
    )


def unexpected(request: Request, exc: Exception) -> GijirokuError:
    """What a user sees of a non-``GijirokuError`` failure, logged once: a full disk or database
    (service.storage.is_disk_full) is a 507 logged without a traceback; anything else is a bug,
    logged with its traceback under the error id the user is shown. Used by the API's handlers
    here and by the pages' route (service.web.render)."""
    if is_disk_full(exc):
        log.error("storage full on %s %s: %s", request.method, request.url.path, exc)
        return disk_full()
    error_id = new_error_id()
    log.error("unhandled error (error id %s) on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return unexpected_error(error_id)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GijirokuError)
    async def _gijiroku(_: Request, exc: GijirokuError) -> JSONResponse:
        return error_response(exc, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(invalid_request(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        """Bugs still answer in the API's shape with an error id. Starlette runs this handler in
        its outermost middleware, outside ``SecurityHeaders``, so the response carries that
        middleware's headers itself."""
        return error_response(unexpected(request, exc), {"Content-Security-Policy": CONTENT_SECURITY_POLICY, **HEADERS})

    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        """OS and database errors reach this handler inside the middleware stack (a full disk is
        507, see ``unexpected``)."""
        return error_response(unexpected(request, exc))

    app.add_exception_handler(OSError, _storage)
    app.add_exception_handler(OperationalError, _storage)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, ja, en = _STATUS_MESSAGES.get(
            exc.status_code, ("http_error", "リクエストを処理できません。", str(exc.detail))
        )
        return error_response(GijirokuError(code, ja, en, status=exc.status_code), getattr(exc, "headers", None))

"""Every error the API returns has one shape: ``{"error": code, "detail": "日本語（English）"}``.

Routes raise ``GijirokuError`` (models/errors.py); the handlers here also translate FastAPI's own
validation errors and Starlette's HTTP errors (404 for unknown paths, 405) into that shape.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import GijirokuError
from service.storage import disk_full, is_disk_full

log = logging.getLogger(__name__)


def error_response(exc: GijirokuError, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=exc.status, headers=headers)


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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(GijirokuError)
    async def _gijiroku(_: Request, exc: GijirokuError) -> JSONResponse:
        return error_response(exc, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = sorted({".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")) for e in exc.errors()})
        names = "、".join(f for f in fields if f) or "リクエスト"
        err = GijirokuError(
            "invalid_request",
            f"入力内容に誤りがあります: {names}",
            f"Invalid request: {', '.join(f for f in fields if f) or 'body'}",
            status=422,
        )
        return error_response(err)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        """Bugs still answer in the API's shape; the trace stays in the server log."""
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(
            GijirokuError(
                "internal_error",
                "サーバー内部でエラーが発生しました。管理者にお問い合わせください。",
                "Internal server error; please contact the administrator.",
                status=500,
            )
        )

    async def _storage(request: Request, exc: Exception) -> JSONResponse:
        """A full disk or database (service.storage.is_disk_full) answers 507, logged once at
        ERROR without a traceback; any other OS or database error is a bug, as above."""
        if is_disk_full(exc):
            log.error("storage full on %s %s: %s", request.method, request.url.path, exc)
            return error_response(disk_full())
        return await _unexpected(request, exc)

    app.add_exception_handler(OSError, _storage)
    app.add_exception_handler(OperationalError, _storage)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, ja, en = _STATUS_MESSAGES.get(exc.status_code, ("http_error", "リクエストを処理できません。", str(exc.detail)))
        return error_response(GijirokuError(code, ja, en, status=exc.status_code), getattr(exc, "headers", None))

"""What the service accepts as a request body, checked once, before any route or login runs.

Size: every body is limited before it is read — a declared Content-Length over the limit is
answered 413 at once, and a chunked body is counted as it arrives and refused the moment it
passes the limit, so an anonymous client cannot make the server hold more than the limit in
memory. Transcript saves get ``GIJIROKU_MAX_TRANSCRIPT_MB``; uploads are left to
``service.uploads``, which streams the file to disk under its own ``GIJIROKU_MAX_UPLOAD_MB``; every
other body (login, admin, metadata, vocabulary, surveys, HTML forms) gets ``SMALL_BODY_BYTES``.

Text: JSON and urlencoded form bodies are decoded here and refused with 422 when a string holds
a character the service cannot store or print (``models.safe_text``) or a number is NaN/Infinity
(not JSON, and PostgreSQL's JSON refuses them). Doing it here, not in each schema, covers every
route, including those added later. Anything this module cannot decode is passed on untouched
for the route's own validation to answer. A JSON body parsed here is handed on in the scope, and
routes built with ``ParsedJsonRoute`` (the transcript save, up to ``GIJIROKU_MAX_TRANSCRIPT_MB``)
read it from there instead of parsing the same megabytes a second time.

Pure ASGI rather than ``BaseHTTPMiddleware``: only then can it stop reading a body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.errors import GijirokuError
from models.safe_text import first_unstorable
from service.errors import error_response

SMALL_BODY_BYTES = 64 * 1024  # the largest legitimate small body (a vocabulary entry) is under this
_MIB = 1024 * 1024
_TRANSCRIPT_SAVE = re.compile(r"^/api/meetings/[^/]+/transcript/?$")
_UPLOAD = "/api/meetings"
_VOICE_SAMPLE = "/api/voices/samples"  # 話者登録: one person's recording, streamed like an upload
_MATERIALS = re.compile(r"^/api/meetings/[^/]+/materials/?$")
_PARSED_JSON = "gijiroku.parsed_json"  # scope key: the JSON body as checked here (what json.loads gives)


class _NonFinite(ValueError):
    pass


class _Disconnected(Exception):
    pass


def _reject_constant(name: str) -> float:
    raise _NonFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # 1e400 parses as infinity
        raise _NonFinite(text)
    return value


def _size(limit: int) -> str:
    return f"{limit // _MIB} MB" if limit % _MIB == 0 else f"{limit // 1024} KB"


def too_large(limit: int) -> GijirokuError:
    return GijirokuError(
        "too_large",
        f"リクエストが大きすぎます（上限 {_size(limit)}）。",
        f"The request body exceeds the {_size(limit)} limit.",
        status=413,
    )


def _invalid_text(where: str) -> GijirokuError:
    where = where if len(where) <= 120 else where[:117] + "..."
    return GijirokuError(
        "invalid_text",
        f"使用できない文字（制御文字や対になっていないサロゲートなど）が含まれています: {where}",
        "The request contains characters that cannot be stored (control characters or unpaired surrogates) "
        f"in {where}.",
        status=422,
    )


def _invalid_number() -> GijirokuError:
    return GijirokuError(
        "invalid_number",
        "数値に NaN や Infinity は使用できません。",
        "Numbers must be finite (no NaN or Infinity).",
        status=422,
    )


def body_problem(content_type: str | None, body: bytes, scope: Scope | None = None) -> GijirokuError | None:
    """Why a JSON (or untyped: FastAPI reads those as JSON) or urlencoded body is refused, or None.
    An accepted JSON body is left in ``scope`` for ``ParsedJsonRoute``."""
    media = (content_type or "").split(";")[0].strip().lower()
    if not body:
        return None
    is_json = False
    if media == "application/x-www-form-urlencoded":
        data: object = parse_qsl(body.decode("latin-1"), keep_blank_values=True)  # as Starlette: %XX as UTF-8
    elif not media or media == "application/json" or media.endswith("+json"):
        try:
            # finite floats parse as json.loads parses them: the same object FastAPI would build
            data = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
        except _NonFinite:
            return _invalid_number()
        except (ValueError, RecursionError):
            return None  # malformed: the route's validation answers in its own words
        is_json = True
    else:
        return None
    where = first_unstorable(data)
    if where is not None:
        return _invalid_text(where)
    if is_json and scope is not None:
        scope[_PARSED_JSON] = data
    return None


class _ParsedJsonRequest(Request):
    async def json(self) -> Any:
        if _PARSED_JSON in self.scope:
            return self.scope[_PARSED_JSON]
        return await super().json()


class ParsedJsonRoute(APIRoute):
    """A route whose JSON body FastAPI takes from ``BodyGuard``'s parse (``APIRouter(route_class=...)``):
    a multi-megabyte transcript save is parsed once, not once here and once by FastAPI."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_parsed_json(request: Request) -> Response:
            return await handler(_ParsedJsonRequest(request.scope, request.receive))

        return with_parsed_json


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it exceeds ``limit`` (the rest is never read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, then the client's own messages (disconnect for streaming routes)."""
    pending = True

    async def replay() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class BodyGuard:
    def __init__(self, app: ASGIApp, *, transcript_bytes: int, materials_bytes: int = SMALL_BODY_BYTES) -> None:
        self.app = app
        self.transcript_bytes = transcript_bytes
        self.materials_bytes = materials_bytes

    def _limit(self, scope: Scope) -> int | None:
        method, path = scope["method"], scope["path"]
        if method == "POST" and path.rstrip("/") in (_UPLOAD, _VOICE_SAMPLE):
            return None  # service.uploads streams the file to disk and stops at its own limit
        if method == "PUT" and _TRANSCRIPT_SAVE.match(path):
            return self.transcript_bytes
        if method == "POST" and _MATERIALS.match(path):
            return self.materials_bytes  # 会議資料: several documents in one multipart body
        return SMALL_BODY_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (limit := self._limit(scope)) is None:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await error_response(too_large(limit), {"Connection": "close"})(scope, receive, send)
            return
        try:
            body = await _read(receive, limit)
        except _Disconnected:
            return  # nobody is left to answer
        if body is None:
            await error_response(too_large(limit), {"Connection": "close"})(scope, receive, send)
            return
        if (problem := body_problem(headers.get("content-type"), body, scope)) is not None:
            await error_response(problem)(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

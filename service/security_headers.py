"""Browser-side protection headers on every response: pages, API answers, exports, static files.

The pages are served by this machine only and use no inline script, inline style, ``style=``
attribute or event-handler attribute (JavaScript modules and stylesheets under ``/static``; the
KPI charts are inline SVG with presentation attributes, which CSP does not treat as styles), so
the Content-Security-Policy allows our own origin and nothing else: an injected ``<script>`` or
``onerror=`` cannot run, no page can be framed (clickjacking), forms post only here, and nothing
is fetched from or sent to another host. ``media-src 'self'``: the editor's ``<audio>`` plays
``/api/meetings/{id}/audio``; ``connect-src`` (``fetch``, the job progress EventSource) falls back
to ``default-src 'self'``.

FastAPI's ``/docs`` and ``/redoc`` pages pull Swagger UI / ReDoc from a CDN and start them with an
inline script, so they get only the policy's framing and plugin parts; they show the OpenAPI
description, not data (``/openapi.json`` itself gets the full policy).

Pure ASGI (not ``BaseHTTPMiddleware``): it touches only the ``http.response.start`` message, so
streamed bodies (Server-Sent Events, audio ranges) pass through unbuffered.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
DOCS_POLICY = "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders:
    """Adds the headers above to every HTTP response unless the route set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope["path"] in _docs_paths(scope) else CONTENT_SECURITY_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _docs_paths(scope: Scope) -> set[str]:
    """FastAPI's documentation pages as the app configured them (Starlette puts the app in scope)."""
    app = scope.get("app")
    return {
        p
        for p in (
            getattr(app, "docs_url", None),
            getattr(app, "redoc_url", None),
            getattr(app, "swagger_ui_oauth2_redirect_url", None),
        )
        if p
    }

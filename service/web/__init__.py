"""Server-rendered Japanese web UI (issue 5).

``router`` holds the HTML routes (``include_in_schema=False``); ``create_app`` includes it next to
the API routers and mounts ``STATIC_DIR`` at ``/static``. Other page modules (e.g. the KPI
reports) reuse ``render`` and ``page_auth`` from ``service.web.render`` so every page shares the
header, the CSRF token and the login redirect.
"""

from __future__ import annotations

from service.web.pages import router
from service.web.render import STATIC_DIR, TEMPLATES, MaybeAuth, PageAuth, PageId, login_redirect, page_auth, render

__all__ = ["router", "render", "page_auth", "MaybeAuth", "PageAuth", "PageId", "login_redirect", "STATIC_DIR", "TEMPLATES"]

"""Server-rendered Japanese web UI (issue 5).

``router`` holds the HTML routes; ``create_app`` includes it next to the API routers and mounts
``STATIC_DIR`` at ``/static``. Every page module (e.g. the KPI reports) makes its router with
``service.web.render.page_router()``, takes its user from ``service.web.deps`` (``PageUser``,
``PageFormUser`` for POST forms, ``page_permission``) and renders with ``render``, so every page
shares the header, the CSRF check, the login redirect and the Japanese error page.
"""

from __future__ import annotations

from service.web.pages import router
from service.web.render import STATIC_DIR, TEMPLATES, page_router, render

__all__ = ["STATIC_DIR", "TEMPLATES", "page_router", "render", "router"]

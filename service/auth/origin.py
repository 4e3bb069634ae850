"""Same-origin check for requests a browser could be tricked into sending from another site.

The login form has no session yet, so no CSRF token can protect it; another site could post its
own credentials to it and get the victim's browser logged in as the attacker (login CSRF).
Browsers name the page that sent a request in ``Origin`` (every cross-origin POST) or, failing
that, ``Referer``; a request whose sender is another host than the one it was sent to is refused.
Requests with neither header (scripts, privacy settings) pass: only a browser can be tricked, and
for cookie sessions the CSRF token still applies. Behind a reverse proxy that rewrites ``Host``,
list the public address in ``GIJIROKU_TRUSTED_ORIGINS``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import Request

from models.errors import GijirokuError
from service.config import Settings

CROSS_ORIGIN_JA = "別のサイトから送信された操作は受け付けません。このサービスの画面から操作してください。"
CROSS_ORIGIN_EN = "Requests sent from another site are refused; use this service's own pages."


def _netloc(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def same_origin(request: Request, settings: Settings) -> bool:
    """False when Origin (or Referer without Origin) names another host than this request's."""
    sender = request.headers.get("origin") or request.headers.get("referer")
    if not sender:
        return True
    allowed = {request.headers.get("host", "").lower()}
    allowed.update(_netloc(o.strip()) for o in settings.trusted_origins.split(",") if o.strip())
    return _netloc(sender) in allowed - {""}  # "null" (sandboxed or opaque senders) never matches


def cross_origin_error() -> GijirokuError:
    return GijirokuError("cross_origin", CROSS_ORIGIN_JA, CROSS_ORIGIN_EN, status=403)

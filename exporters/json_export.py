"""JSON export: exactly ``Minutes.to_dict`` (the documented format), readable Japanese, UTF-8."""

from __future__ import annotations

import json

from models.types import Minutes


def render_json(minutes: Minutes) -> bytes:
    """Both texts are in every turn, so there is no clean/verbatim choice here."""
    return (json.dumps(minutes.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

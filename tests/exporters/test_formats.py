"""The export formats are one table in ``exporters``: each name with its renderer and the media
type a download of it is served as (the service's export route has no list of its own)."""

from __future__ import annotations

import pytest

from exporters import FORMATS, media_type
from models.errors import GijirokuError


def test_every_format_has_its_media_type() -> None:
    assert {fmt: media_type(fmt) for fmt in FORMATS} == {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt": "text/plain; charset=utf-8",
        "srt": "application/x-subrip; charset=utf-8",
        "vtt": "text/vtt; charset=utf-8",
        "json": "application/json",
    }


def test_an_unknown_format_has_no_media_type() -> None:
    with pytest.raises(GijirokuError) as exc:
        media_type("pdf")
    assert exc.value.code == "unknown_format"

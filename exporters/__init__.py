"""Export minutes as .docx, .txt, .srt, .vtt and .json.

``render`` gives the bytes of one format; ``write_outputs`` renders every requested format first
and only then writes each file atomically (a temporary file in the same folder, then
``os.replace``), so a failure never leaves a half-written file that looks complete, and a format
that fails to render leaves no file at all.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from exporters.docx import render_docx
from exporters.json_export import render_json
from exporters.subtitles import render_srt, render_vtt
from exporters.text import render_text
from models.errors import GijirokuError
from models.safe_text import scrubbed
from models.types import Minutes


@dataclass(frozen=True)
class _Format:
    render: Callable[[Minutes, bool], bytes]  # (minutes, clean) → file content
    media_type: str  # what a download of it is served as


_FORMATS: dict[str, _Format] = {
    "docx": _Format(render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "txt": _Format(render_text, "text/plain; charset=utf-8"),
    "srt": _Format(render_srt, "application/x-subrip; charset=utf-8"),
    "vtt": _Format(render_vtt, "text/vtt; charset=utf-8"),
    "json": _Format(lambda minutes, _clean: render_json(minutes), "application/json"),
}
FORMATS = tuple(_FORMATS)


def _check_format(fmt: str) -> str:
    if fmt not in _FORMATS:
        raise GijirokuError(
            "unknown_format",
            f"出力形式「{fmt}」には対応していません（対応形式: {'、'.join(FORMATS)}）。",
            f"unknown export format {fmt!r} (supported: {', '.join(FORMATS)})",
        )
    return fmt


def render(minutes: Minutes, fmt: str, *, clean: bool = True) -> bytes:
    """One format's file content; ``clean`` picks the ケバ取り text (default) or the verbatim text.

    Characters no format can hold (a lone surrogate cannot be UTF-8, XML refuses control
    characters) become U+FFFD first, so text stored before requests were checked, or odd model
    output, still exports instead of failing."""
    printable = Minutes.from_dict(scrubbed(minutes.to_dict()))
    return _FORMATS[_check_format(fmt)].render(printable, clean)


def media_type(fmt: str) -> str:
    """The HTTP media type of a format's file (``unknown_format`` for any other name)."""
    return _FORMATS[_check_format(fmt)].media_type


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # os.open with 0o666 lets the umask decide the final permissions, as for any ordinary file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_outputs(minutes: Minutes, base_path: Path, formats: Iterable[str], *, clean: bool = True) -> list[Path]:
    """Write ``base_path.<fmt>`` for each format (in the order given, duplicates once)."""
    base_path = Path(base_path)
    wanted = [_check_format(fmt) for fmt in dict.fromkeys(formats)]
    rendered = [(fmt, render(minutes, fmt, clean=clean)) for fmt in wanted]
    base_path.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, data in rendered:
        # Not with_suffix: a base name like 「2024.11.22総務委員会」 must keep its dots.
        path = base_path.with_name(f"{base_path.name}.{fmt}")
        _write_atomically(path, data)
        paths.append(path)
    return paths

"""Where audio lives on disk: ``<data_dir>/uploads/<uuid>``, never a name a client chose.

Paths in the database are relative to ``data_dir`` so API nodes and GPU workers can mount the
shared storage at different places. Folders are created 0700 (``service.private_files``).
"""

from __future__ import annotations

import errno
import sqlite3
import uuid
from pathlib import Path

from models.errors import GijirokuError
from service.config import Settings
from service.db.models import Meeting
from service.private_files import private_dir

UPLOADS = "uploads"
INCOMING = ".incoming"  # partial uploads; swept on start-up


def uploads_dir(settings: Settings) -> Path:
    return private_dir(private_dir(settings.data_dir) / UPLOADS)


def incoming_path(settings: Settings) -> Path:
    """A fresh path for a file being received (same filesystem as its final place: atomic rename)."""
    return private_dir(uploads_dir(settings) / INCOMING) / f"{uuid.uuid4().hex}.part"


def new_storage_name() -> str:
    return f"{UPLOADS}/{uuid.uuid4().hex}"


def resolve(settings: Settings, relative: str) -> Path:
    path = (settings.data_dir / relative).resolve()
    if not path.is_relative_to((settings.data_dir / UPLOADS).resolve()):
        raise ValueError(f"storage path escapes the uploads folder: {relative!r}")
    return path


def audio_file(settings: Settings, meeting: Meeting) -> Path | None:
    """The meeting's audio on disk, or None once deleted (retention or explicit delete)."""
    if meeting.audio_deleted_at is not None or not meeting.audio_path:
        return None
    path = resolve(settings, meeting.audio_path)
    return path if path.is_file() else None


def audio_missing() -> GijirokuError:
    """A job (or a re-run) of a meeting whose audio was deleted: there is nothing to transcribe."""
    return GijirokuError(
        "audio_missing",
        "音声ファイルが削除されているため処理できません。",
        "The audio file has been deleted; nothing to process.",
        status=409,
    )


def remove_audio(settings: Settings, meeting: Meeting) -> None:
    if meeting.audio_path:
        resolve(settings, meeting.audio_path).unlink(missing_ok=True)


def clear_incoming(settings: Settings) -> None:
    """Partial uploads from a crash are garbage: nothing in the database points at them."""
    folder = uploads_dir(settings) / INCOMING
    if folder.is_dir():
        for part in folder.glob("*.part"):
            part.unlink(missing_ok=True)


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_PG_DISK_FULL = "53100"


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps: SQLAlchemy's ``orig``, ``raise … from``) says the disk
    or quota is full: ENOSPC/EDQUOT, SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100)."""
    current: BaseException | None = exc
    for _ in range(8):  # a chain is short; the bound guards against cycles
        if current is None:
            return False
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if isinstance(current, sqlite3.Error) and (
            getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "database or disk is full" in str(current)
        ):
            return True
        if getattr(current, "sqlstate", None) == _PG_DISK_FULL:
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False


def disk_full() -> GijirokuError:
    """507: the server, not the request, is at fault; the user can only tell the administrator."""
    return GijirokuError(
        "insufficient_storage",
        "保存領域が不足しています。管理者に連絡してください。",
        "The server has run out of storage space; please contact the administrator.",
        status=507,
    )

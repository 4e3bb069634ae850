"""Where audio lives on disk: ``<data_dir>/uploads/<uuid>``, never a name a client chose.

Paths in the database are relative to ``data_dir`` so API nodes and GPU workers can mount the
shared storage at different places.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from service.config import Settings
from service.db.models import Meeting

UPLOADS = "uploads"
INCOMING = ".incoming"  # partial uploads; swept on start-up


def uploads_dir(settings: Settings) -> Path:
    path = settings.data_dir / UPLOADS
    path.mkdir(parents=True, exist_ok=True)
    return path


def incoming_path(settings: Settings) -> Path:
    """A fresh path for a file being received (same filesystem as its final place: atomic rename)."""
    folder = uploads_dir(settings) / INCOMING
    folder.mkdir(exist_ok=True)
    return folder / f"{uuid.uuid4().hex}.part"


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


def remove_audio(settings: Settings, meeting: Meeting) -> None:
    if meeting.audio_path:
        resolve(settings, meeting.audio_path).unlink(missing_ok=True)


def clear_incoming(settings: Settings) -> None:
    """Partial uploads from a crash are garbage: nothing in the database points at them."""
    folder = uploads_dir(settings) / INCOMING
    if folder.is_dir():
        for part in folder.glob("*.part"):
            part.unlink(missing_ok=True)

"""The data directory at rest: recordings and the database are for the service's user only.

Directories the service creates are 0700 and files 0600, set explicitly where they are created,
so even a process with the usual umask 022 (tests, an embedding app) never makes them readable
by other local users. The service, the worker and the CLI commands that work on the data also set
umask 077 for the whole process (``secure_process``), which covers what libraries create on their
own (SQLite's ``-wal``/``-shm`` files, temporary files).

An existing directory or file is never chmod-ed behind the administrator's back (shared storage
may be set up on purpose); ``secure_process`` logs a warning instead.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import make_url

from service.config import Settings

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
PROCESS_UMASK = 0o077


def private_dir(path: Path) -> Path:
    """``mkdir -p``, the last component 0700 when it is new."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def create_private_file(path: Path) -> BinaryIO:
    """A new file opened for writing, 0600 from its first byte (``O_EXCL``: never an existing file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def ensure_private_file(path: Path) -> None:
    """Create an empty 0600 file unless one exists (SQLite then opens it and keeps its mode)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file, or None for PostgreSQL and in-memory databases."""
    url = make_url(settings.sqlalchemy_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def open_to_others(settings: Settings) -> list[tuple[Path, int]]:
    """The data dir and the database file when they exist with any group/other permission bit."""
    found = []
    for path in (settings.data_dir, sqlite_file(settings)):
        if path is not None and path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                found.append((path, mode))
    return found


def secure_process(settings: Settings) -> None:
    """Start of the service, a worker or a data command: umask 077, and a warning (Japanese and
    English) for each existing data path other local users can open."""
    os.umask(PROCESS_UMASK)
    for path, mode in open_to_others(settings):
        wanted = "700" if path.is_dir() else "600"
        log.warning(
            "%s は他のユーザーからアクセスできます（権限 %o）。録音と会議録を守るため chmod %s %s を実行してください。"
            " / %s is open to other users (mode %o); run chmod %s %s to protect the recordings and minutes.",
            path,
            mode,
            wanted,
            path,
            path,
            mode,
            wanted,
            path,
        )

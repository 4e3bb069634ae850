"""Receiving an upload: the multipart body is parsed as it streams in and the file part goes
straight to disk in chunks, hashed on the way, stopped the moment it exceeds the size limit.

Nothing is buffered whole in memory or spooled to /tmp first; on any failure the partial file is
removed before the error propagates. The file is 0600 from its first byte. A full disk answers 507
(logged at ERROR); a client that goes away mid-upload is one INFO line, not an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from fastapi import Request
from pydantic_core import PydanticCustomError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from models.errors import GijirokuError
from service.config import Settings
from service.private_files import create_private_file
from service.storage import disk_full, incoming_path, is_disk_full

log = logging.getLogger(__name__)

FILE_FIELD = "file"
MATERIALS_FIELD = "materials"  # 会議資料 sent with the recording (service.materials), kept in memory
MAX_FIELD_BYTES = 64 * 1024
MAX_FIELDS = 50
_MULTIPART_OVERHEAD = 1024 * 1024  # headers and text fields on top of the file itself


def _bad(code: str, ja: str, en: str, status: int = 422) -> GijirokuError:
    return GijirokuError(code, ja, en, status=status)


def too_large(settings: Settings) -> GijirokuError:
    return _bad(
        "file_too_large",
        f"ファイルが大きすぎます（上限 {settings.max_upload_mb} MB）。",
        f"The file exceeds the {settings.max_upload_mb} MB limit.",
        413,
    )


def too_many_materials(settings: Settings) -> GijirokuError:
    limit = settings.max_materials_per_meeting
    return _bad(
        "too_many_materials",
        f"1つの会議に添付できる資料は {limit} 件までです。不要な資料を削除してから追加してください。",
        f"A meeting can have at most {limit} materials; delete one before adding more.",
    )


def materials_too_large(settings: Settings) -> GijirokuError:
    return _bad(
        "materials_too_large",
        f"資料が大きすぎます（1回の追加で合計 {settings.max_materials_mb} MB まで）。",
        f"The materials exceed the {settings.max_materials_mb} MB limit per upload.",
        413,
    )


MAX_FILENAME_CHARS = 255  # what the database column holds
_Text = TypeVar("_Text", bound=str | list[str] | None)
_JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiner: emoji sequences and some scripts need them


def invisible_control(text: str) -> str | None:
    """The first character of ``text`` that is a control (Cc: C0, DEL, C1), a format character
    (Cf: bidi embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E/U+200F
    and U+061C, zero-width space, BOM, soft hyphen …; the two joiners excepted) or a line/paragraph
    separator, or None. Such characters change how the text around them is shown, so
    ``会議<U+202E>vaw.exe`` displays as ``会議exe.wav``."""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Zl", "Zp") or (category == "Cf" and char not in _JOINERS):
            return char
    return None


def visible_text(value: _Text) -> _Text:
    """A Pydantic validator for text users type (meeting title, place, attendees, agenda): refuse
    what ``invisible_control`` finds, since it would disguise the text on the pages and in the
    export file names named after the title. Error type ``invisible_control`` (Japanese message:
    ``service.validation_messages``)."""
    texts: list[str] = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    for text in texts:
        if (char := invisible_control(text)) is not None:
            raise PydanticCustomError(
                "invisible_control", "control or text-direction character U+{code}", {"code": f"{ord(char):04X}"}
            )
    return value


def display_filename(raw: str) -> str:
    """The client's file name, kept only for display (on the meeting page; the stored file gets a
    random name, and downloads are named after the title).

    Names with path separators, control or bidi/format characters are refused, not stripped: the
    page must show what was uploaded, and a name that needs such characters is either crafted (a
    right-to-left override hiding an extension) or broken, so the user renames the file. Names
    longer than the column are refused with their own message.
    """
    name = unicodedata.normalize("NFC", raw).strip()
    if len(name) > MAX_FILENAME_CHARS:
        raise _bad(
            "filename_too_long",
            f"ファイル名が長すぎます（{len(name)}文字、上限 {MAX_FILENAME_CHARS} 文字）。短い名前に変更してください。",
            f"The file name is {len(name)} characters long; the limit is {MAX_FILENAME_CHARS}. Please rename the file.",
        )
    if "/" in name or "\\" in name or name in ("", ".", ".."):
        raise _bad(
            "bad_filename",
            "ファイル名が正しくありません（空の名前、. や ..、パス区切り / や \\ は使えません）。"
            "ファイル名を変更してください。",
            "The file name is empty, a path (. or ..) or contains a path separator (/ or \\); please rename the file.",
        )
    if (char := invisible_control(name)) is not None:
        code = f"U+{ord(char):04X}"
        raise _bad(
            "bad_filename",
            f"ファイル名に使用できない文字（{code}：制御文字や文字の向きを変える文字）が含まれています。ファイル名を変更してください。",
            f"The file name contains a control or text-direction character ({code}); please rename the file.",
        )
    return name


@dataclass
class ReceivedFile:
    path: Path
    filename: str
    size: int = 0
    sha256: str = ""


@dataclass
class ReceivedUpload:
    fields: dict[str, str] = field(default_factory=dict)
    file: ReceivedFile | None = None
    materials: list[tuple[str, bytearray]] = field(default_factory=list)  # (file name, bytes)

    def discard(self) -> None:
        if self.file is not None:
            self.file.path.unlink(missing_ok=True)


class _Receiver:
    """python-multipart callbacks; file bytes are queued and written outside the parser so the
    disk writes can run in a thread."""

    def __init__(self, settings: Settings, charset: str) -> None:
        self.settings, self.charset = settings, charset
        self.upload = ReceivedUpload()
        self.pending: list[bytes] = []
        self._hash = hashlib.sha256()
        self._headers: list[tuple[bytes, bytes]] = []
        self._header_name = b""
        self._header_value = b""
        self._name = ""
        self._is_file = False
        self._data = bytearray()
        self._materials_bytes = 0

    def on_part_begin(self) -> None:
        self._headers, self._name, self._is_file, self._data = [], "", False, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers.append((self._header_name.lower(), self._header_value))
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        disposition = next((v for k, v in self._headers if k == b"content-disposition"), b"")
        _, options = parse_options_header(disposition)
        self._name = options.get(b"name", b"").decode(self.charset, "replace")
        if b"filename" in options and self._name == MATERIALS_FIELD:
            if len(self.upload.materials) >= self.settings.max_materials_per_meeting:
                raise too_many_materials(self.settings)
            self.upload.materials.append((options[b"filename"].decode(self.charset, "replace"), bytearray()))
        elif b"filename" in options:
            if self._name != FILE_FIELD or self.upload.file is not None:
                raise _bad(
                    "unexpected_file",
                    "ファイルは file 欄に1つだけ添付してください。",
                    "Attach exactly one file, in the 'file' field.",
                )
            filename = display_filename(options[b"filename"].decode(self.charset, "replace"))
            self.upload.file = ReceivedFile(incoming_path(self.settings), filename)
            self._is_file = True
        elif len(self.upload.fields) >= MAX_FIELDS:
            raise _bad("too_many_fields", "入力項目が多すぎます。", "Too many form fields.", 413)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._name == MATERIALS_FIELD and self.upload.materials:
            self._materials_bytes += len(chunk)
            if self._materials_bytes > self.settings.max_materials_mb * 1024 * 1024:
                raise materials_too_large(self.settings)
            self.upload.materials[-1][1].extend(chunk)
        elif self._is_file:
            assert self.upload.file is not None
            self.upload.file.size += len(chunk)
            if self.upload.file.size > self.settings.max_upload_bytes:
                raise too_large(self.settings)
            self._hash.update(chunk)
            self.pending.append(chunk)
        else:
            self._data.extend(chunk)
            if len(self._data) > MAX_FIELD_BYTES:
                raise _bad(
                    "field_too_large",
                    f"入力項目「{self._name}」が長すぎます。",
                    f"Field {self._name!r} is too long.",
                    413,
                )

    def on_part_end(self) -> None:
        if self._is_file:
            assert self.upload.file is not None
            self.upload.file.sha256 = self._hash.hexdigest()
        elif self._name and self._name != MATERIALS_FIELD:
            self.upload.fields[self._name] = self._data.decode(self.charset, "replace")


async def receive_upload(request: Request, settings: Settings) -> ReceivedUpload:
    """Parse a multipart/form-data request, streaming its file part into ``uploads/.incoming``."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or b"boundary" not in params:
        raise _bad(
            "unsupported_media_type",
            "multipart/form-data 形式で音声ファイルを送信してください。",
            "Send the recording as multipart/form-data.",
            415,
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes + _MULTIPART_OVERHEAD:
        raise too_large(settings)
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    receiver = _Receiver(settings, charset if charset.lower() in ("utf-8", "utf8") else "utf-8")
    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": receiver.on_part_begin,
            "on_part_data": receiver.on_part_data,
            "on_part_end": receiver.on_part_end,
            "on_header_field": receiver.on_header_field,
            "on_header_value": receiver.on_header_value,
            "on_header_end": receiver.on_header_end,
            "on_headers_finished": receiver.on_headers_finished,
        },
    )
    out: BinaryIO | None = None
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if receiver.pending:
                if out is None:
                    assert receiver.upload.file is not None
                    out = create_private_file(receiver.upload.file.path)
                await run_in_threadpool(out.writelines, receiver.pending)
                receiver.pending = []
        parser.finalize()
        if receiver.upload.file is not None and out is None:
            out = create_private_file(receiver.upload.file.path)  # an empty file part: let validation name it
        if out is not None:
            out.close()  # flushes: a full disk may show up only here
    except BaseException as exc:
        _cleanup(out, receiver.upload)
        error = _upload_error(exc, receiver.upload, settings)
        if error is exc:
            raise
        raise error from exc
    return receiver.upload


def _upload_error(exc: BaseException, upload: ReceivedUpload, settings: Settings) -> BaseException:
    """What a failed upload answers; the partial file is already gone.

    A client that went away is routine (a closed tab, a lost connection): one INFO line. A full
    disk is the administrator's problem: one ERROR line and 507. Our own errors and other OS
    errors (bugs, logged with their traceback by the error handler) pass unchanged; anything else
    the parser raised means the body was not valid multipart.
    """
    received = upload.file.size if upload.file is not None else 0
    if isinstance(exc, ClientDisconnect):
        log.info("upload aborted by the client after %d bytes of the file; partial file removed", received)
        return _bad("upload_aborted", "アップロードが中断されました。", "The upload was aborted by the client.", 400)
    if is_disk_full(exc):
        log.error("upload refused, no storage space left under %s: %s", settings.data_dir, exc)
        return disk_full()
    if isinstance(exc, (GijirokuError, OSError)) or not isinstance(exc, Exception):
        return exc
    return _bad("malformed_multipart", "送信データの形式が正しくありません。", "Malformed multipart body.", 400)


def _cleanup(out: BinaryIO | None, upload: ReceivedUpload) -> None:
    if out is not None:
        with contextlib.suppress(OSError):  # flushing what is left fails again on a full disk
            out.close()
    upload.discard()

"""Receiving an upload: the multipart body is parsed as it streams in and the file part goes
straight to disk in chunks, hashed on the way, stopped the moment it exceeds the size limit.

Nothing is buffered whole in memory or spooled to /tmp first; on any failure the partial file is
removed before the error propagates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from models.errors import GijirokuError
from service.config import Settings
from service.storage import incoming_path

FILE_FIELD = "file"
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


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def display_filename(raw: str) -> str:
    """The client's file name, kept only for display; anything path-like or with control
    characters is refused outright because no browser sends such a name."""
    name = unicodedata.normalize("NFC", raw).strip()
    if _UNSAFE_NAME.search(name) or name in ("", ".", "..") or len(name) > 255:
        raise _bad(
            "bad_filename",
            "ファイル名に使用できない文字（パス区切りや制御文字）が含まれています。ファイル名を変更してください。",
            "The file name contains path separators or control characters; please rename the file.",
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
        if b"filename" in options:
            if self._name != FILE_FIELD or self.upload.file is not None:
                raise _bad("unexpected_file", "ファイルは file 欄に1つだけ添付してください。", "Attach exactly one file, in the 'file' field.")
            filename = display_filename(options[b"filename"].decode(self.charset, "replace"))
            self.upload.file = ReceivedFile(incoming_path(self.settings), filename)
            self._is_file = True
        elif len(self.upload.fields) >= MAX_FIELDS:
            raise _bad("too_many_fields", "入力項目が多すぎます。", "Too many form fields.", 413)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            assert self.upload.file is not None
            self.upload.file.size += len(chunk)
            if self.upload.file.size > self.settings.max_upload_bytes:
                raise too_large(self.settings)
            self._hash.update(chunk)
            self.pending.append(chunk)
        else:
            self._data.extend(chunk)
            if len(self._data) > MAX_FIELD_BYTES:
                raise _bad("field_too_large", f"入力項目「{self._name}」が長すぎます。", f"Field {self._name!r} is too long.", 413)

    def on_part_end(self) -> None:
        if self._is_file:
            assert self.upload.file is not None
            self.upload.file.sha256 = self._hash.hexdigest()
        elif self._name:
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
                    out = receiver.upload.file.path.open("wb")
                await run_in_threadpool(out.writelines, receiver.pending)
                receiver.pending = []
        parser.finalize()
        if receiver.upload.file is not None and out is None:
            receiver.upload.file.path.touch()  # an empty file part: let validation name it
    except BaseException as exc:
        _cleanup(out, receiver.upload)
        if isinstance(exc, (GijirokuError, ClientDisconnect)) or not isinstance(exc, Exception):
            raise
        raise _bad("malformed_multipart", "送信データの形式が正しくありません。", "Malformed multipart body.", 400) from exc
    if out is not None:
        out.close()
    return receiver.upload


def _cleanup(out: BinaryIO | None, upload: ReceivedUpload) -> None:
    if out is not None:
        out.close()
    upload.discard()

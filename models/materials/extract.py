"""Text of a meeting's materials (会議資料): PDF (pypdf), Word (python-docx) or plain text.

Committees get their documents as PDF or Word; clerks also paste an agenda into a text file. Only
the text matters here (names, terms, figures, sentences read aloud), so layout is dropped, but
table cells are kept: reports put their figures in tables.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

from models.errors import GijirokuError

SUFFIXES = (".pdf", ".docx", ".txt")


def _error(name: str, ja: str, en: str) -> GijirokuError:
    return GijirokuError("materials_invalid", f"資料「{name}」{ja}", f"Material '{name}': {en}", status=422)


def extract_text(data: bytes, name: str) -> str:
    """The text of one material file; ``name`` (its file name) chooses the reader by suffix.

    Raises ``GijirokuError("materials_invalid")`` for an unsupported type, a damaged or encrypted
    file, or one without any text (a scanned PDF: there is no OCR offline).
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(data, name)
    elif suffix == ".docx":
        text = _docx_text(data, name)
    elif suffix == ".txt":
        text = _plain_text(data, name)
    else:
        raise _error(
            name,
            f"の形式には対応していません（{'、'.join(SUFFIXES)} のみ）。",
            f"unsupported file type (only {', '.join(SUFFIXES)})",
        )
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\x00", "")
    if not text.strip():
        raise _error(
            name,
            "から文字を読み取れませんでした（画像だけの PDF には対応していません）。",
            "no text could be read (scanned, image-only PDFs are not supported)",
        )
    return text


def read_files(paths: list[Path]) -> list[str]:
    """The text of each file on disk (the CLI's ``--materials``)."""
    texts = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _error(path.name, "を読めません。", f"cannot read the file ({exc.strerror})") from exc
        texts.append(extract_text(data, path.name))
    return texts


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _error(name, "はパスワードで保護されています。", "the PDF is encrypted")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except GijirokuError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise _error(name, "は PDF として読み込めません。", f"not a readable PDF ({exc.__class__.__name__})") from exc


def _docx_text(data: bytes, name: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise _error(name, "は Word（docx）として読み込めません。", "not a readable .docx file") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("　".join(dict.fromkeys(cell.text.strip() for cell in row.cells if cell.text.strip())))
    return "\n".join(lines)


def _plain_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS, as Windows Notepad and Excel save Japanese."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _error(name, "の文字コードが UTF-8 でも Shift_JIS でもありません。", "text is neither UTF-8 nor Shift_JIS")

"""Text extraction from the files committees actually get: a PDF with Japanese text (made here with
reportlab's built-in CID font, so no font file is needed), a Word file with a table, plain text in
UTF-8 and Shift_JIS; and clear errors for what cannot be read."""

from __future__ import annotations

import io

import docx
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from models.errors import GijirokuError
from models.materials import build_materials, extract_text

LINES = ["産業振興委員会　資料", "1　島本町と千早赤阪村の連携事業", "2　府庁の所管する補助金　約2,100万円（試算）"]


def _pdf(lines: list[str]) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("HeiseiMin-W3", 11)
    for i, line in enumerate(lines):
        page.drawString(60, 760 - 20 * i, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(LINES[0])
    document.add_paragraph(LINES[1])
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "町負担額"
    table.rows[0].cells[1].text = "約2,100万円"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_text_comes_back_with_names_and_figures() -> None:
    text = extract_text(_pdf(LINES), "資料.pdf")
    for line in LINES:
        assert line.replace("　", "") in text.replace("　", "").replace(" ", "")


def test_docx_paragraphs_and_table_cells_are_read() -> None:
    text = extract_text(_docx(), "shiryou.DOCX")
    assert "島本町と千早赤阪村の連携事業" in text
    assert "町負担額　約2,100万円" in text
    figures = build_materials([text]).figures
    assert any(f.surface == "約2,100万円" and f.context == "町負担額　約2,100万円" for f in figures)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_plain_text_in_utf8_or_shift_jis(encoding: str) -> None:
    assert extract_text("\n".join(LINES).encode(encoding), "agenda.txt").splitlines() == LINES


@pytest.mark.parametrize(
    ("data", "name", "phrase"),
    [
        (b"%PDF-1.7 not really", "broken.pdf", "PDF として読み込めません"),
        (b"PK\x03\x04 not a zip", "broken.docx", "Word（docx）として読み込めません"),
        (b"\x89PNG\r\n", "scan.png", "形式には対応していません"),
        (b"   \n", "empty.txt", "文字を読み取れませんでした"),
        (b"\xff\xfe\xfa\xfb\x80\x81", "binary.txt", "UTF-8 でも Shift_JIS でもありません"),
    ],
)
def test_unreadable_files_say_why_in_both_languages(data: bytes, name: str, phrase: str) -> None:
    with pytest.raises(GijirokuError) as err:
        extract_text(data, name)
    assert err.value.code == "materials_invalid" and err.value.status == 422
    assert phrase in err.value.ja and name in err.value.ja and name in err.value.en


def test_a_pdf_without_text_is_refused() -> None:
    with pytest.raises(GijirokuError, match="画像だけの PDF"):
        extract_text(_pdf([]), "scan.pdf")

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Cm

from exporters import render
from models.types import Minutes


def _open(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def test_speaker_paragraphs_in_order_with_clean_text(minutes: Minutes) -> None:
    doc = _open(render(minutes, "docx"))
    speech = [p.text for p in doc.paragraphs if p.text.startswith("○")]
    assert speech == [
        "○委員長（山田）　ただいまから開会いたします。",
        f"○教育長（高橋）　{minutes.turns[1].clean_text}",
        "○委員長（山田）　ありがとうございました。",
    ]


def test_verbatim_docx_keeps_fillers(minutes: Minutes) -> None:
    doc = _open(render(minutes, "docx", clean=False))
    speech = [p.text for p in doc.paragraphs if p.text.startswith("○")]
    assert speech[0] == "○委員長（山田）　えー、ただいまから開会いたします。"


def test_title_and_header_block(minutes: Minutes) -> None:
    doc = _open(render(minutes, "docx"))
    assert doc.paragraphs[0].text == "総務委員会 会議録"
    assert doc.paragraphs[0].style.name == "Title"
    rows = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert rows == [
        ["日時", "令和6年11月22日（金） 午前10時00分"],
        ["場所", "第1委員会室"],
        ["出席者", "委員長 山田、委員 鈴木"],
        ["議題", "共通プラットフォームへの移行について"],
    ]


def test_a4_page_and_page_number_field(minutes: Minutes) -> None:
    doc = _open(render(minutes, "docx"))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.left_margin >= Cm(2) and section.top_margin >= Cm(2)
    footer = section.footer.paragraphs[0]
    assert footer.text == "- 1 -"
    instructions = [t.text for t in footer._p.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert [f.get(qn("w:fldCharType")) for f in footer._p.iter(qn("w:fldChar"))] == [
        "begin",
        "separate",
        "end",
    ]


def test_japanese_fonts_are_set_for_east_asian_text(minutes: Minutes) -> None:
    doc = _open(render(minutes, "docx"))
    for name in ("Normal", "Title", "Heading 1"):
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("IPAMincho", "IPAGothic"), name
        assert fonts.get(qn("w:eastAsiaTheme")) is None, name  # a theme font would override it
    defaults = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.rFonts.get(qn("w:eastAsia")) == "IPAMincho"

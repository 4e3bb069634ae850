"""Word (.docx) minutes in the usual 会議録 layout.

Title, a header table (日時・場所・出席者・議題), then one paragraph per turn,
「○委員長（山田）　発言…」, with a hanging indent so continuation lines align under the speech.
A4 portrait, page number 「- 1 -」 centred in the footer.

Fonts: python-docx's ``font.name`` sets only the Latin slots (w:ascii, w:hAnsi); Japanese
characters use the w:eastAsia slot, and the default template fills every slot from the theme
(w:asciiTheme…), which overrides explicit names. So each style sets all three slots and drops the
theme references. IPAMincho/IPAGothic ship with Debian (fonts-ipafont) and LibreOffice renders them
for PDF; Word on a machine without IPA fonts substitutes its own Japanese font (ＭＳ 明朝 /
游明朝), which is the intended fallback.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from exporters.header import document_title, header_rows
from exporters.turns import LABEL_GAP, SPEAKER_MARK, spoken_turns
from models.types import Minutes

MINCHO = "IPAMincho"  # body text; Word falls back to ＭＳ 明朝 where IPA fonts are not installed
GOTHIC = "IPAGothic"  # title, headings and speaker labels
BODY_SIZE = Pt(10.5)  # the Japanese Word default; one full-width character is 10.5 pt wide
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr: CT_RPr, font: str) -> None:
    """Name ``font`` for Latin and East Asian text; drop the theme fonts that would override it."""
    fonts = rpr.get_or_add_rFonts()
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(slot), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.insert_element_before(OxmlElement("w:lang"), "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _set_up_styles(doc: DocumentObject) -> None:
    # The template's document-wide default, themed like the styles.
    default_rpr = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if default_rpr is not None:
        _set_fonts(default_rpr, MINCHO)

    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), MINCHO)
    normal.font.size = BODY_SIZE
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.25

    for name, size, space_before in (("Title", Pt(16), Pt(0)), ("Heading 1", Pt(12), Pt(12))):
        style = doc.styles[name]
        _set_fonts(style.element.get_or_add_rPr(), GOTHIC)
        style.font.size = size
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = space_before
        style.paragraph_format.space_after = Pt(6)
    # The template draws a coloured rule under the title; a 会議録 title is plain.
    title_ppr = doc.styles["Title"].element.pPr
    if title_ppr is not None and (border := title_ppr.find(qn("w:pBdr"))) is not None:
        title_ppr.remove(border)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _set_up_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.5)
    section.footer_distance = Cm(1.2)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("- ")
    _add_page_field(footer)
    footer.add_run(" -")


def _field_char(kind: str) -> BaseOxmlElement:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _add_page_field(paragraph: Paragraph) -> None:
    """A PAGE field: begin, instruction, separate, placeholder digit, end; viewers fill it in."""
    paragraph.add_run()._r.append(_field_char("begin"))
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    paragraph.add_run()._r.append(_field_char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(_field_char("end"))


def _add_header_table(doc: DocumentObject, minutes: Minutes) -> None:
    rows = header_rows(minutes.meeting)
    if not rows:
        return
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = (Cm(2.6), Cm(13.4))  # together the 16 cm between the margins
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for row, (label, values) in zip(table.rows, rows, strict=True):
        label_cell, value_cell = row.cells
        label_cell.width, value_cell.width = widths  # the cells, which Word follows
        label_paragraph = label_cell.paragraphs[0]
        label_paragraph.alignment = WD_ALIGN_PARAGRAPH.DISTRIBUTE  # 均等割り付け: 日　　時
        label_paragraph.add_run(label)
        value_cell.paragraphs[0].add_run(values[0])
        for value in values[1:]:
            value_cell.add_paragraph(value)


def render_docx(minutes: Minutes, clean: bool = True) -> bytes:
    doc = Document()
    _set_up_styles(doc)
    _set_up_page(doc)
    title = document_title(minutes.meeting)
    doc.core_properties.title = title
    doc.core_properties.language = "ja-JP"

    doc.add_paragraph(title, style="Title")
    _add_header_table(doc, minutes)
    doc.add_paragraph("議事の経過", style="Heading 1")
    for label, _, text in spoken_turns(minutes, clean):
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.left_indent = BODY_SIZE
        paragraph.paragraph_format.first_line_indent = -BODY_SIZE  # hanging: ○ stands out
        paragraph.paragraph_format.space_after = Pt(4)
        speaker = paragraph.add_run(f"{SPEAKER_MARK}{label}")
        _set_fonts(speaker._r.get_or_add_rPr(), GOTHIC)
        paragraph.add_run(f"{LABEL_GAP}{text}")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()

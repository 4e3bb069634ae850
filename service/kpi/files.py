"""CSV and XLSX downloads of a KPI report — written from ``Table.cells``, the very figures the
page shows (same rounding, "—" where the page shows "—"), so the files and the screen agree."""

from __future__ import annotations

import csv
import io

from service.kpi.display import DASH, format_cell
from service.kpi.report import Report, Table

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """A label (department name) as inert text: spreadsheet apps run cells starting with = + - @
    as formulas (CSV injection), so those get a leading apostrophe, as Excel itself does."""
    return "'" + value if value.startswith(FORMULA_START) else value


def table_csv(table: Table) -> bytes:
    """UTF-8 with a BOM: Excel on Japanese Windows otherwise reads it as Shift_JIS."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.columns)
    for cells in table.cells:
        writer.writerow([_text(c) if isinstance(c, str) else format_cell(c) for c in cells])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx_text(value: str) -> str:
    """Control characters are illegal in XLSX; a leading "=" would be stored as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return _text(ILLEGAL_CHARACTERS_RE.sub("", value))


def report_xlsx(report: Report) -> bytes:
    """One sheet per table (年度別, 月別) plus the targets; numbers stay numbers, "—" is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = True
    for sheet_name, table in (("年度別", report.yearly), ("月別", report.monthly)):
        ws = wb.worksheets[0] if first else wb.create_sheet()  # a new workbook has one empty sheet
        first = False
        ws.title = sheet_name
        ws.append([table.title])
        ws["A1"].font = Font(bold=True)
        ws.append(list(table.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
        for cells in table.cells:
            ws.append([DASH if c is None else _xlsx_text(c) if isinstance(c, str) else c for c in cells])
        for row in ws.iter_rows(min_row=3):
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
        ws.freeze_panes = "C3"
        for letter, width in zip("ABCDEFGHIJKLM", (14, 14, 9, 11, 11, 8, 11, 13, 14, 14, 12, 11, 12), strict=True):
            ws.column_dimensions[letter].width = width
    targets = wb.create_sheet("目標値")
    targets.append(["指標", "目標"])
    targets.append(["満足度（%）", round(report.targets.satisfaction * 100, 1)])
    targets.append(["継続利用意向（%）", round(report.targets.continued_use * 100, 1)])
    targets.append(["削減時間 月平均（時間）", report.targets.hours_saved_per_month])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

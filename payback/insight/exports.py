"""Every table as CSV and as a formatted Excel workbook (the definitions on a second sheet), sent
as a stream; and the monthly national return, one workbook of several tables."""

import csv
import re
import tempfile
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
HEADER_FONT = Font(bold=True, color="FFFFFF")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so would run as a formula


def safe(value: Any) -> Any:
    """A text cell that a spreadsheet would take for a formula is kept as text (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        yield writer.writerow([safe(row.get(c.key)) for c in table.columns])


def filename(title: str, extension: str) -> str:
    return (re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:100] or "figures") + f".{extension}"


def csv_response(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(table.title, "csv")}"'
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Figures"
    candidate, n = name, 2
    while candidate in used:
        candidate, n = f"{name[:25]} {n}", n + 1
    used.add(candidate)
    return candidate


def _write_table(book: Workbook, table: Table, used: set[str]) -> None:
    sheet = book.create_sheet(_sheet_title(table.sheet or table.title, used))
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([c.label for c in table.columns])
    for cell in sheet[2]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table.rows:
        sheet.append([safe(row.get(c.key)) for c in table.columns])
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 14 if column.numeric else 36
        if column.numeric:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = "#,##0.0" if isinstance(cell.value, float) else "#,##0"
    sheet.freeze_panes = "A3"


def _write_definitions(book: Workbook, tables: list[Table]) -> None:
    sheet = book.create_sheet("Definitions")
    sheet.append(["Figure", "Definition"])
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    seen: set[tuple[str, str]] = set()
    for table in tables:
        for label, definition in table.definitions:
            if (label, definition) not in seen:
                seen.add((label, definition))
                sheet.append([safe(label), safe(definition)])
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 100


def workbook(tables: list[Table]) -> Workbook:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables:
        _write_table(book, table, used)
    _write_definitions(book, tables)
    return book


def xlsx_response(tables: list[Table], title: str) -> FileResponse:
    """The tables as one workbook, a sheet each and the definitions last, streamed from a file."""
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    workbook(tables).save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename(title, "xlsx"), content_type=XLSX)

"""Every table as CSV and as an Excel workbook: the header and rows, a cell a spreadsheet would run as a
formula kept as text, a sheet for each table and the definitions of every figure on the last."""

import csv
import io
from datetime import date

from openpyxl import load_workbook

from payback.insight import measures
from payback.insight.exports import csv_response, filename, workbook, xlsx_response
from payback.insight.rules import Period
from payback.insight.selectors import Area
from payback.insight.tables import Column, Line, Table, dashboard_table

BY_PDU = Table(
    title="Hours worked by PDU, North East: 01 October 2026 to 31 October 2026",
    columns=[Column("area", "PDU", numeric=False), Column("now", "This period"), Column("last_year", "Last year")],
    rows=[
        {"area": "Sunderland", "now": 1234.5, "last_year": 1000},
        {"area": '=HYPERLINK("http://evil.example")', "now": 7, "last_year": None},
        {"area": "@SUM(A1)", "now": 0, "last_year": 2},
        {"area": "+44 pencil", "now": -3.5, "last_year": 1},
    ],
    definitions=[("Hours worked", measures.BY_CODE["worked_minutes"].definition)],
)


def csv_rows(table: Table) -> tuple[str, list[list[str]]]:
    response = csv_response(table)
    text = response.getvalue().decode()
    return response["Content-Disposition"], list(csv.reader(io.StringIO(text)))


def test_the_csv_is_streamed_with_its_header_and_rows_and_no_formula_runs() -> None:
    disposition, rows = csv_rows(BY_PDU)
    assert disposition == (
        'attachment; filename="hours-worked-by-pdu-north-east-01-october-2026-to-31-october-2026.csv"'
    )
    assert rows == [
        ["PDU", "This period", "Last year"],
        ["Sunderland", "1234.5", "1000"],
        ['\'=HYPERLINK("http://evil.example")', "7", ""],  # a formula kept as text; nothing shown as ""
        ["'@SUM(A1)", "0", "2"],
        ["'+44 pencil", "-3.5", "1"],  # a negative number is a number, not text to neutralise
    ]


def test_a_title_with_nothing_to_name_a_file_by_is_figures() -> None:
    assert filename("***", "csv") == "figures.csv"
    assert filename("Hours: Wales / 2026", "xlsx") == "hours-wales-2026.xlsx"


def dashboard() -> Table:
    area = Area("pdu", 1, "Sunderland")
    worked, rate = measures.BY_CODE["worked_minutes"], measures.RATES[1]
    lines = [
        Line(worked.code, worked.label, worked.definition, worked.section, 12.5, 10.0, "hours", "flow"),
        Line(rate.code, rate.label, rate.definition, rate.section, 87.5, None, "%", "rate"),
    ]
    return dashboard_table(area, Period(date(2026, 10, 1), date(2026, 10, 31)), lines)


def test_the_workbook_has_a_sheet_for_each_table_and_the_definitions_last() -> None:
    book = workbook([dashboard(), BY_PDU, BY_PDU])
    # Sheet names: the title to 28 characters, ":" and "/" made spaces; a repeated name is numbered.
    assert book.sheetnames == [
        "Figures",
        "Hours worked by PDU, North E",
        "Hours worked by PDU, Nort 2",
        "Definitions",
    ]
    definitions = [list(row) for row in book["Definitions"].iter_rows(values_only=True)]
    # Every figure once, though "Hours worked" is in all three tables.
    assert definitions == [
        ["Figure", "Definition"],
        ["Hours worked", measures.BY_CODE["worked_minutes"].definition],
        ["Attendance rate", "Appointments attended as a share of appointments due."],
    ]


def test_the_cells_of_a_sheet_keep_numbers_as_numbers() -> None:
    sheet = workbook([BY_PDU])["Hours worked by PDU, North E"]
    assert sheet["A1"].value == BY_PDU.title
    assert [cell.value for cell in sheet[2]] == ["PDU", "This period", "Last year"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)] == [
        ["Sunderland", 1234.5, 1000],
        ['\'=HYPERLINK("http://evil.example")', 7, ""],  # nothing known: left empty
        ["'@SUM(A1)", 0, 2],
        ["'+44 pencil", -3.5, 1],
    ]
    assert (sheet["B3"].data_type, sheet["B3"].number_format) == ("n", "#,##0.0")
    assert (sheet["C3"].data_type, sheet["C3"].number_format) == ("n", "#,##0")
    assert sheet["A4"].data_type == "s"  # text, not a formula
    assert sheet.freeze_panes == "A3"


def test_the_workbook_is_sent_as_a_file_that_opens_with_the_same_cells() -> None:
    response = xlsx_response([dashboard(), BY_PDU], "Sunderland: October 2026")
    assert response["Content-Disposition"] == 'attachment; filename="sunderland-october-2026.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.getvalue()))
    assert book.sheetnames == ["Figures", "Hours worked by PDU, North E", "Definitions"]
    rows = list(book["Figures"].iter_rows(min_row=2, values_only=True))
    assert rows == [
        ("Section", "Figure", "This period", "Same period last year", "Unit"),
        ("Hours", "Hours worked", 12.5, 10, "hours"),
        ("Attendance and placements", "Attendance rate", 87.5, None, "%"),
    ]
    assert book["Hours worked by PDU, North E"]["B3"].value == 1234.5

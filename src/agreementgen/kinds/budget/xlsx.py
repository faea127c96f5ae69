"""The budget as a spreadsheet (Budget.xlsx): the lines as data, an overview of live formulas.

Sheet "Budgetlinjer" holds one row per budget line and funding source, with a column per
calendar year: the amounts as values, easy to filter and to pivot. Sheet "Oversigt" adds them
up with SUMIFS over Budgetlinjer, so a changed amount changes every total. Shares are rounded
down to 0,1 %, as in the Word document.

The file is the same bytes for the same budget: fixed document times, and zip entries without
the time of the build.

Budget text is data, never a formula: every cell is written by `_put`, which writes only a
`Formula` (built here) as a formula and any other text as text, whatever it begins with.
"""

from __future__ import annotations

import datetime
import functools
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from agreementgen.files import office_file
from agreementgen.kinds.budget.figures import Source
from agreementgen.kinds.budget.model import LBF, BudgetLine

FONT = "Calibri"
FIXED_TIME = datetime.datetime(2000, 1, 1)  # as the Word files: no build time in the file
AMOUNT = '#,##0;-#,##0;"–"'  # 0 shows as a dash, as in the documents
SHARE = "0.0 %"
HEAD_FILL = PatternFill("solid", fgColor="E6ECF0")  # as the tables of the Word documents
ACCENT = "1F4E79"
THIN = Side(style="thin", color="9AA5AD")
LINES = "Budgetlinjer"
OVERVIEW = "Oversigt"
TOTAL = "I alt"
YES, NO = "Ja", "Nej"
# Budgetlinjer's columns (heading, width in characters, wrapped): these, then one per year and
# the total, then TRAIL. The ids are last: they are for formulas and filters, not for print.
LEAD = (
    ("Budgetlinje", 36, True),
    ("Indsatsområde", 20, True),
    ("Udgiftstype", 14, False),
    ("Naturalydelse", 13, False),
    ("Årsværk", 8, False),
    ("Finansieringskilde", 24, True),
)
TRAIL = (
    ("Værdiansættelse", 36, True),
    ("Aktiviteter", 40, False),
    ("Linje-id", 18, False),
    ("Kilde-id", 24, False),
)
AREA, CATEGORY, IN_KIND, FTE = 2, 3, 4, 5  # 1-based columns of LEAD
YEAR_WIDTH, TOTAL_WIDTH = 12, 13
LINE_HEIGHT = 15  # points per line of wrapped text
# Text a spreadsheet takes as the start of a formula when someone edits the cell (or when the
# text is pasted or saved as CSV): such cells get the style's quotePrefix, Excel's leading
# apostrophe, which keeps them text without changing the text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_LENGTH = 255  # Excel's limit for a page header or footer, its codes included


class Formula(str):
    """A formula this module builds itself, such as '=SUM(G2:J2)'.

    Only a Formula is written as a formula: openpyxl makes one of any str that starts with
    '=', so a budget line called '=HYPERLINK(...)' would otherwise be a live formula.
    """

    __slots__ = ()

    def __new__(cls, text: str) -> Formula:
        if not text.startswith("="):
            raise ValueError(f"a formula starts with '=': {text!r}")
        return super().__new__(cls, text)


Value = Formula | str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """What the spreadsheet shows: the budget with the names the documents use."""

    title: str
    subtitle: str
    period: str
    notice: str
    years: tuple[int, ...]
    sources: tuple[Source, ...]
    areas: tuple[str, ...]  # the Danish names of the areas with lines, in order
    categories: tuple[str, ...]  # and of the cost categories
    lines: tuple[BudgetLine, ...]
    area_labels: dict[str, str] = field(default_factory=dict)


def workbook(sheet: Sheet) -> bytes:
    """Return the budget as .xlsx bytes."""
    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = OVERVIEW
    lines = wb.create_sheet(LINES)
    columns = _Columns(len(sheet.years))
    last_row = _lines_sheet(lines, sheet, columns)
    _overview_sheet(overview, sheet, columns, last_row)
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    props = wb.properties
    props.title = f"{sheet.title} – {sheet.subtitle}"
    props.subject = sheet.subtitle
    props.creator = "agreementgen"
    props.lastModifiedBy = ""
    props.language = "da-DK"
    props.created = props.modified = FIXED_TIME
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    """Write the workbook with fixed entry times."""

    def write(out: BinaryIO) -> None:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(wb, archive).save()  # save_workbook would stamp "modified" with now

    return office_file(write)


def _font(**kwargs: object) -> Font:
    """The workbook's font (a Font without a name falls back to the viewer's default)."""
    return _shared_font(tuple(sorted(kwargs.items())))


# One object for each font and alignment the cells use: making a new one for every cell was a
# third of the time to make the workbook. openpyxl keeps a cell's style as the index of an
# equal object in the workbook's list, so a shared object writes the same file.
@functools.cache
def _shared_font(options: tuple[tuple[str, object], ...]) -> Font:
    kwargs = dict(options)
    return Font(name=FONT, size=kwargs.pop("size", 11), **kwargs)


@functools.cache
def _alignment(horizontal: str | None, *, wrap: bool) -> Alignment:
    """Cells' text starts at their top, and breaks into lines where `wrap`."""
    return Alignment(horizontal=horizontal, vertical="top", wrap_text=wrap)


def _put(ws: Worksheet, row: int, column: int, value: Value) -> Cell:
    """Write one cell; the only way this module writes a value.

    A Formula is a formula; any other str is text, kept exactly as given, with quotePrefix when
    it begins like a formula. The type is set here rather than left to openpyxl, which guesses
    it from the text: a formula from a leading '=', an error value from '#N/A'.
    """
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, Formula):
        cell.data_type = "f"
    elif isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell


def _head(cell: Any, *, align: str = "left") -> None:
    cell.font = _font(bold=True)
    cell.fill = HEAD_FILL
    cell.border = Border(bottom=THIN)
    cell.alignment = _alignment(align, wrap=True)


def _page_setup(ws: Worksheet, sheet: Sheet, title_rows: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.print_title_rows = title_rows
    left = _header_text(f"{sheet.title}: {ws.title}")
    ws.oddHeader.left.text = left
    # The area's name gets the room the codes (&L, &R) and the left part leave.
    ws.oddHeader.right.text = _header_text(sheet.subtitle, HEADER_LENGTH - len(left) - 4)
    ws.oddFooter.center.text = "Side &P af &N"  # our own codes: page n of N


def _header_text(text: str, room: int = HEADER_LENGTH) -> str:
    """Return `text` for a page header, shown as typed, shortened with '…' to `room`.

    In a header '&' starts a code ('&P' is the page number, '&R' the right part); '&&' is an
    ampersand. A doubled '&' is never cut in two.
    """
    escaped = text.replace("&", "&&")
    if len(escaped) <= room:
        return escaped
    kept = ""
    for char in text:
        part = "&&" if char == "&" else char
        if len(kept) + len(part) > room - 1:
            break
        kept += part
    return kept + "…"


@dataclass(frozen=True)
class _Columns:
    """Where things are on Budgetlinjer (1-based column numbers)."""

    years: int

    @property
    def first_year(self) -> int:
        return len(LEAD) + 1

    @property
    def total(self) -> int:
        return self.first_year + self.years

    @property
    def source(self) -> int:
        return self.total + len(TRAIL)  # Kilde-id, the last column

    def year(self, index: int) -> int:
        return self.first_year + index


def _rows_height(texts: Sequence[tuple[str, int]]) -> float:
    """A row's height for its wrapped texts (text, column width); LibreOffice does not fit it."""
    # Text is on average a little narrower than the '0' a column's width is counted in.
    lines = max((math.ceil(len(text) * 0.95 / (width - 1)) for text, width in texts), default=1)
    return LINE_HEIGHT * max(lines, 1)


def _lines_sheet(ws: Worksheet, sheet: Sheet, columns: _Columns) -> int:
    """Write Budgetlinjer and return its last row."""
    names = {s.id: s.name for s in sheet.sources}
    layout = [
        *LEAD,
        *((str(year), YEAR_WIDTH, False) for year in sheet.years),
        (TOTAL, TOTAL_WIDTH, False),
        *TRAIL,
    ]
    for column, (heading, width, _) in enumerate(layout, 1):
        amount = columns.first_year <= column <= columns.total
        align = "center" if column == FTE else "right" if amount else "left"
        _head(_put(ws, 1, column, heading), align=align)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[1].height = LINE_HEIGHT * 2
    row = 1
    for line in sheet.lines:
        for source in dict.fromkeys(s for by in line.amounts.values() for s in by):
            row += 1
            values: list[Value] = [
                line.description,
                sheet.area_labels.get(line.area.value, line.area.value),
                line.category.label,
                YES if line.in_kind else NO,
                float(line.fte) if line.fte is not None else None,
                names.get(source, source),
            ]
            values += [line.amounts.get(year, {}).get(source, 0) for year in sheet.years]
            first, last = (
                get_column_letter(columns.first_year),
                get_column_letter(columns.total - 1),
            )
            values.append(Formula(f"=SUM({first}{row}:{last}{row})"))
            values += [line.valuation, ", ".join(line.activities) or None, line.id, source]
            for column, value in enumerate(values, 1):
                cell = _put(ws, row, column, value)
                cell.font = _font(bold=column == columns.total)
                cell.alignment = _alignment(
                    "center" if column == FTE else None, wrap=layout[column - 1][2]
                )
                if columns.first_year <= column <= columns.total:
                    cell.number_format = AMOUNT
            ws.cell(row, FTE).number_format = "0.0#"
            wrapped = [
                (str(value), layout[i][1])
                for i, value in enumerate(values)
                if layout[i][2] and value
            ]
            ws.row_dimensions[row].height = _rows_height(wrapped)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(layout))}{row}"
    _page_setup(ws, sheet, "1:1")
    # Print what a reader needs, up to the totals; the notes and ids stay on screen.
    ws.print_area = f"A1:{get_column_letter(columns.total)}{row}"
    return row


def _overview_sheet(ws: Worksheet, sheet: Sheet, columns: _Columns, last_row: int) -> None:
    """Write Oversigt: every total a SUMIFS over Budgetlinjer."""
    years = sheet.years
    _put(ws, 1, 1, f"{sheet.title} – {sheet.subtitle}").font = _font(
        bold=True, size=14, color=ACCENT
    )
    _put(ws, 2, 1, f"Periode: {sheet.period}. Beløb i hele kroner pr. kalenderår.")
    _put(ws, 3, 1, sheet.notice or None).font = _font(italic=True, size=9, color="5A5A5A")
    head = 5
    total_column = 2 + len(years)
    share_column = total_column + 1
    for column, heading in enumerate(["Beløb i kr.", *map(str, years), TOTAL, "Andel"], 1):
        _head(_put(ws, head, column, heading), align="right" if column > 1 else "left")
    ws.column_dimensions["A"].width = 44
    for column in range(2, share_column + 1):
        ws.column_dimensions[get_column_letter(column)].width = 13

    def lines_range(column: str) -> str:
        return f"{LINES}!${column}$2:${column}${max(last_row, 2)}"

    def sum_if(year_index: int, column: int, value: str) -> Formula:
        amounts = lines_range(_col(columns.year(year_index)))
        criterion = '"' + value.replace('"', '""') + '"'
        return Formula(f"=SUMIFS({amounts},{lines_range(_col(column))},{criterion})")

    row = head

    def label(text: str, *, bold: bool = False) -> None:
        _put(ws, row, 1, text).font = _font(bold=bold)

    def amounts_row(formulas: Sequence[Formula], *, bold: bool = False, top: bool = False) -> None:
        for index, formula in enumerate(formulas):
            cell = _put(ws, row, 2 + index, formula)
            cell.number_format = AMOUNT
            cell.font = _font(bold=bold)
        first, last = get_column_letter(2), get_column_letter(total_column - 1)
        total = _put(ws, row, total_column, Formula(f"=SUM({first}{row}:{last}{row})"))
        total.number_format = AMOUNT
        total.font = _font(bold=True)
        if top:
            for column in range(1, share_column + 1):
                ws.cell(row, column).border = Border(top=THIN)

    def section(heading: str, labels: Sequence[str], column: int) -> None:
        """Amounts per label (SUMIFS on `column`), their total, and each one's share."""
        nonlocal row
        row += 2
        label(heading, bold=True)
        first = row + 1
        for text in labels:
            row += 1
            label(text)
            amounts_row([sum_if(i, column, text) for i in range(len(years))])
        row += 1
        label(TOTAL, bold=True)
        amounts_row(
            [_column_sum(2 + i, first, row - 1) for i in range(len(years))],
            bold=True,
            top=True,
        )
        grand = f"${_col(total_column)}${row}"
        for r in range(first, row + 1):
            whole = f"{_col(total_column)}{r}"
            cell = _put(ws, r, share_column, _share(whole, grand))
            cell.number_format = SHARE

    # Financing: who pays, then the total, the local part and its share.
    row += 1
    label("Finansiering", bold=True)
    first = row + 1
    for source in sheet.sources:
        row += 1
        label(source.name)
        amounts_row([sum_if(i, columns.source, source.id) for i in range(len(years))])
    lbf_row = first + next(i for i, s in enumerate(sheet.sources) if s.id == LBF)
    row += 1
    label(TOTAL, bold=True)
    total_row = row
    amounts_row(
        [_column_sum(2 + i, first, row - 1) for i in range(len(years))],
        bold=True,
        top=True,
    )
    row += 1
    label("Heraf lokal medfinansiering")
    amounts_row(
        [Formula(f"={_col(2 + i)}{total_row}-{_col(2 + i)}{lbf_row}") for i in range(len(years))]
    )
    local_row = row
    row += 1
    label("Lokal andel", bold=True)
    for i in range(len(years) + 1):
        c = _col(2 + i)
        cell = _put(ws, row, 2 + i, _share(f"{c}{local_row}", f"{c}{total_row}"))
        cell.number_format = SHARE
        cell.font = _font(bold=True)

    # Budgetlinjer holds the Danish labels, so each label is its own criterion.
    section("Fordeling på indsatsområder", sheet.areas, AREA)
    section("Fordeling på udgiftstyper", sheet.categories, CATEGORY)
    row += 2
    label("Heraf naturalydelser")
    amounts_row([sum_if(i, IN_KIND, YES) for i in range(len(years))])
    ws.freeze_panes = f"B{head + 1}"
    _page_setup(ws, sheet, f"{head}:{head}")


def _column_sum(column: int, first: int, last: int) -> Formula:
    """The sum of rows first..last of a column."""
    return Formula(f"=SUM({_col(column)}{first}:{_col(column)}{last})")


def _share(part: str, whole: str) -> Formula:
    """part/whole rounded down to 0,1 % (0 when whole is 0), as in the Word document."""
    return Formula(f"=IF({whole}=0,0,ROUNDDOWN({part}/{whole},3))")


def _col(index: int) -> str:
    return str(get_column_letter(index))

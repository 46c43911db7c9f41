"""How an exported value becomes a spreadsheet cell or a CSV field, for the app's exports (reports.exports)
and the admin's (django-import-export).

The two formats have two readers. An XLSX is read by people: a number is a number, a date is a date cell
shown dd/mm/yyyy, a moment is Vietnam's wall-clock time shown dd/mm/yyyy hh:mm. A CSV is read by programs
and is never localised: a decimal point, ISO 8601 dates and moments (with the +07:00 offset), 1 or 0.
"""

import datetime
import io
import itertools
from collections.abc import Callable, Iterable, Sequence

from django.utils import timezone
from import_export.formats import base_formats
from openpyxl.cell import WriteOnlyCell

XLSX_DATE = "dd/mm/yyyy"
XLSX_DATETIME = "dd/mm/yyyy hh:mm"
# Columns wide enough for what they hold: a date cell too narrow shows as "########".
XLSX_MIN_WIDTH = 10
XLSX_MAX_WIDTH = 50
XLSX_WIDTHS = {datetime.datetime: 17, datetime.date: 12}


def local_naive(value: datetime.datetime) -> datetime.datetime:
    """A moment as Vietnam's wall-clock time, without its zone: a cell holds none (openpyxl refuses one)."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def _date_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = XLSX_DATE
    return cell


def _datetime_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=local_naive(value))
    cell.number_format = XLSX_DATETIME
    return cell


def csv_field(value):
    """A value as a program reads it."""
    if isinstance(value, datetime.datetime):
        # A naive moment is Vietnam's wall-clock time (local_naive, django-import-export's DateTimeWidget).
        aware = value if timezone.is_aware(value) else timezone.make_aware(value)
        return timezone.localtime(aware).isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return 1 if value else 0
    return value


def xlsx_widths(headers, first_row) -> list[int]:
    """Each column as wide as its header, and as a date or a moment of the first row needs."""
    widths = []
    for index, header in enumerate(headers):
        width = len(str(header)) + 2
        if first_row is not None and index < len(first_row):
            width = max(width, XLSX_WIDTHS.get(type(first_row[index]), 0))
        widths.append(min(max(width, XLSX_MIN_WIDTH), XLSX_MAX_WIDTH))
    return widths


def write_xlsx_sheet(
    sheet,
    headers: list,
    rows: Iterable[Sequence],
    *,
    title: str = "",
    yes: str | None = None,
    no: str | None = None,
    on_row: Callable[[int], None] | None = None,
) -> int:
    """Fill a write-only sheet: an optional title line, the headers in bold (frozen above the rows), then
    the rows as typed cells; on_row is told the number of rows done after each. Returns that number."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    first = next(rows, None)
    # Before the first line: a write-only sheet writes its columns and panes with it.
    for index, width in enumerate(xlsx_widths(headers, first), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{3 if title else 2}"
    if title:
        sheet.append([title])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    done = 0
    if first is None:
        return done
    # By exact type, once per cell (100,000 rows are about a million cells): a text or a number goes as it
    # is; Django's dates and moments are exactly these types. A boolean becomes yes or no when they are
    # given (a file for reading: "Có", "Không"); without them it stays a boolean (a file to import again).
    converters: dict[type, Callable] = {
        datetime.datetime: _datetime_cell,
        datetime.date: _date_cell,
    }
    if yes is not None and no is not None:
        converters[bool] = lambda _sheet, value: yes if value else no
    get = converters.get
    for row in itertools.chain([first], rows):
        sheet.append([value if (convert := get(type(value))) is None else convert(sheet, value) for value in row])
        done += 1
        if on_row is not None:
            on_row(done)
    return done


class XLSX(base_formats.XLSX):
    """The admin's XLSX export with the cells above: tablib's writer shows dates as yyyy-mm-dd. The admin
    hands it native values (its force_native_type for binary formats); booleans stay booleans, which its
    import reads back."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=(dataset.title or "Sheet1")[:31])
        write_xlsx_sheet(sheet, list(dataset.headers or []), dataset)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


# The admin's export formats: django-import-export's, with the XLSX above in place of its own.
ADMIN_EXPORT_FORMATS = [XLSX if format_ is base_formats.XLSX else format_ for format_ in base_formats.DEFAULT_FORMATS]
# The admin hands native values only to the formats of this list (by exact type): ours is one.
if XLSX not in base_formats.BINARY_FORMATS:
    base_formats.BINARY_FORMATS.append(XLSX)

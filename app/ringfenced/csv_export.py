"""The time report as CSV: the JSON rows' fields, in order, under a header line."""

import csv
import enum
import io
from collections.abc import Iterable, Iterator
from datetime import date

from fastapi.responses import StreamingResponse

from app.ringfenced.schemas import TimeReportRow

COLUMNS = tuple(TimeReportRow.model_fields)
ROWS_PER_CHUNK = 200
# A cell a spreadsheet would run as a formula is written as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_response(
    rows: Iterable[TimeReportRow], *, first_day: date, last_day: date
) -> StreamingResponse:
    name = f"time-report-{first_day.isoformat()}-to-{last_day.isoformat()}.csv"
    return StreamingResponse(
        _lines(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _lines(rows: Iterable[TimeReportRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for number, row in enumerate(rows, start=1):
        writer.writerow(_cells(row))
        if number % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cells(row: TimeReportRow) -> list[str]:
    return [_cell(getattr(row, column)) for column in COLUMNS]


def _cell(value: object) -> str:
    """As JSON writes it: null empty, booleans true and false, enums by value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text

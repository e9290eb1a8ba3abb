"""Reports as CSV: a model's fields, in order, under a header line, sent in chunks as the
rows come (never the whole file in memory)."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from fastapi.responses import StreamingResponse
from pydantic import BaseModel

CSV_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
"""What a report route adds to `responses=`: its 200 may also be CSV."""

ROWS_PER_CHUNK = 200
# A cell a spreadsheet would run as a formula is written as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_response(
    rows: Iterable[BaseModel],
    *,
    model: type[BaseModel],
    report: str,
    first_day: date,
    last_day: date,
) -> StreamingResponse:
    """Every row as CSV. The rows may be a generator reading the database as it goes;
    a failure part way aborts the response, so a cut file is never sent as complete."""
    name = f"{report}-report-{first_day.isoformat()}-to-{last_day.isoformat()}.csv"
    return csv_download(rows, model=model, filename=name)


def csv_download(
    rows: Iterable[BaseModel], *, model: type[BaseModel], filename: str
) -> StreamingResponse:
    """Every row as CSV, saved as `filename` (what `csv_response` sends, for lists that
    are not reports over days)."""
    return StreamingResponse(
        _lines(rows, tuple(model.model_fields)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def wants_csv(report_format: str | None, accept: str | None) -> bool:
    """`format` decides; without it, an Accept header naming text/csv."""
    if report_format is not None:
        return report_format == "csv"
    return accept is not None and "text/csv" in accept


def _lines(rows: Iterable[BaseModel], columns: tuple[str, ...]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for number, row in enumerate(rows, start=1):
        values = row.model_dump(mode="json")
        writer.writerow([_cell(values[column]) for column in columns])
        if number % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cell(value: object) -> str:
    """A value as the JSON answer writes it (times, enums, ids alike): null empty,
    booleans true and false, objects and lists as JSON text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text

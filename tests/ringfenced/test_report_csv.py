"""The time report as CSV says what the JSON says, row for row, and every row of it."""

import csv
import io
from datetime import date
from typing import Any

from tests.ringfenced.cast import TimeCast
from tests.ringfenced.test_report import FIRST, LAST, build_scenario

CONTRACT = (
    "practitioner_user_id",
    "category",
    "allocated_minutes",
    "scheduled_minutes",
    "used_minutes",
    "remaining_minutes",
    "utilisation_percent",
    "eroded",
)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(cast: TimeCast, **params: Any) -> tuple[list[str], list[dict[str, str]], Any]:
    headers = {**cast.auth("lead"), **params.pop("headers", {})}
    answer = cast.client.get(
        f"{cast.base}/reports/time",
        params={"from": FIRST, "to": LAST, **params},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    reader = csv.DictReader(io.StringIO(answer.text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, answer


def test_csv_rows_equal_the_json_rows(cast: TimeCast) -> None:
    build_scenario(cast)
    json_rows = cast.report("lead", FIRST, LAST)
    columns, csv_rows, answer = _csv(cast, format="csv")

    assert answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    assert set(CONTRACT) <= set(columns)
    assert columns == list(json_rows[0])
    assert csv_rows == [{key: _as_text(value) for key, value in row.items()} for row in json_rows]


def test_accept_text_csv_asks_for_csv(cast: TimeCast) -> None:
    build_scenario(cast)
    _, by_parameter, _ = _csv(cast, format="csv")
    _, by_header, answer = _csv(cast, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert by_header == by_parameter
    # An explicit format wins over the header.
    json_answer = cast.client.get(
        f"{cast.base}/reports/time",
        params={"from": FIRST, "to": LAST, "format": "json"},
        headers={**cast.auth("lead"), "Accept": "text/csv"},
    )
    assert json_answer.headers["content-type"].startswith("application/json")


def test_csv_holds_every_row_whatever_the_page(cast: TimeCast) -> None:
    build_scenario(cast)
    whole = cast.report("lead", FIRST, LAST)
    _, csv_rows, _ = _csv(cast, format="csv", limit=1)
    assert len(csv_rows) == len(whole) > 1
    first_page = cast.get("lead", "/reports/time", **{"from": FIRST, "to": LAST, "limit": 1})
    assert len(first_page.json()) == 1


def test_a_name_a_spreadsheet_would_run_is_written_as_text(cast: TimeCast) -> None:
    p1 = cast.people["p1"]
    p1.display_name = "=HYPERLINK(1)"
    cast.db.add(p1)
    cast.db.commit()
    cast.log("p1", "planning", date(2025, 6, 20), 30)
    _, rows, _ = _csv(cast, format="csv")
    assert [row["practitioner_name"] for row in rows] == ["'=HYPERLINK(1)"]


def test_an_empty_report_is_the_header_alone(cast: TimeCast) -> None:
    columns, rows, answer = _csv(cast, format="csv")
    assert rows == []
    assert answer.text.splitlines() == [",".join(columns)]

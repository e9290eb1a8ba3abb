"""The equity report: the CSV, bad input and what is out of reach."""

import csv
import io
from typing import Any

import pytest

from tests.reports.test_coverage import PERIOD, Scene, scene
from tests.reports.test_equity import attributed, equity

__all__ = ["attributed", "scene"]  # the fixtures, shared with test_equity.py


def _get(scene: Scene, who: str, **params: Any) -> Any:
    return scene.cast.get(who, "/reports/equity", **{**PERIOD, **params})


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def test_csv_rows_equal_the_json_rows(attributed: Scene) -> None:
    cast = attributed.cast
    rows = equity(attributed, "lead", attribute="locality")["rows"]
    answer = cast.client.get(
        f"{cast.base}/reports/equity",
        params={**PERIOD, "attribute": "locality"},
        headers={**cast.auth("lead"), "Accept": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == (
        'attachment; filename="equity-report-2025-03-01-to-2025-05-31.csv"'
    )
    reader = csv.DictReader(io.StringIO(answer.text))
    assert list(reader.fieldnames or []) == list(rows[0])
    assert list(reader) == [{key: _as_text(value) for key, value in row.items()} for row in rows]


def test_an_attribute_nobody_holds_is_a_422_naming_it(attributed: Scene) -> None:
    answer = _get(attributed, "lead", attribute="localty")
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "unknown_attribute"
    assert error["message"].startswith("attribute:")
    assert "'localty'" in error["message"]


def test_an_attribute_held_only_outside_the_callers_reach_is_not_set_for_them(
    attributed: Scene,
) -> None:
    """Someone in the organisation holds it: other_supervisor's team (p3) has not set it."""
    rows = equity(attributed, "other_supervisor", attribute="locality")["rows"]
    assert [(row["value"], row["practitioners"]) for row in rows] == [(None, 1)]


@pytest.mark.parametrize(
    ("params", "named", "code"),
    [
        ({"attribute": "Locality"}, "attribute", "validation_error"),
        ({"attribute": "x" * 41}, "attribute", "validation_error"),
        ({"attribute": ""}, "attribute", "validation_error"),
        ({"weeks": 4}, "weeks", "unknown_filter"),
        ({"group_by": "locality"}, "group_by", "unknown_filter"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to", "invalid_period"),
        ({"from": "2023-01-01", "to": "2025-05-31"}, "to", "period_too_long"),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(
    attributed: Scene, params: dict[str, Any], named: str, code: str
) -> None:
    answer = _get(attributed, "lead", **params)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(f"{named}:"), error["message"]


def test_out_of_reach_is_not_found(attributed: Scene) -> None:
    cast = attributed.cast
    other_team = _get(attributed, "supervisor", supervisor_user_id=str(cast.id("other_supervisor")))
    assert other_team.status_code == 404
    assert other_team.json()["error"]["message"].startswith("supervisor_user_id:")
    someone_else = _get(attributed, "p1", practitioner_user_id=str(cast.id("p2")))
    assert someone_else.status_code == 404
    assert cast.get("outsider", "/reports/equity").status_code == 404


def test_filters_narrow_within_what_the_caller_may_see(attributed: Scene) -> None:
    cast = attributed.cast
    by_coach = equity(attributed, "lead", coach_user_id=str(cast.id("coach")))
    assert by_coach["overall"]["practitioners"] == 1
    assert [row["value"] for row in by_coach["rows"]] == ["supervisor"]
    by_practitioner = equity(
        attributed, "supervisor", attribute="locality", practitioner_user_id=str(cast.id("p2"))
    )
    assert by_practitioner["rows"][0]["practitioners"] == 1

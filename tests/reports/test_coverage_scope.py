"""The coverage report: whom each role finds in it, the CSV, and bad input."""

import csv
import io
from typing import Any

import pytest

from tests.reports.test_coverage import PERIOD, Scene, expected_rows, scene

__all__ = ["scene"]  # the fixture, shared with test_coverage.py


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("lead", {"p1", "p2", "p3"}),
        ("supervisor", {"p1", "p2"}),
        ("other_supervisor", {"p3"}),
        ("coach", {"p1"}),
        ("coach2", {"p2"}),
        ("p1", {"p1"}),
        ("p3", {"p3"}),
    ],
)
def test_each_role_sees_the_practitioners_in_their_care(
    scene: Scene, who: str, sees: set[str]
) -> None:
    report = scene.coverage(who)
    assert set(scene.rows(who)) == sees
    assert report["summary"]["practitioners"] == len(sees)


def test_a_supervisor_finds_the_same_figures_as_the_lead(scene: Scene) -> None:
    by_lead = scene.rows("lead", weeks=4, target=2)
    by_supervisor = scene.rows("supervisor", weeks=4, target=2)
    assert by_supervisor == {who: by_lead[who] for who in ("p1", "p2")}
    summary = scene.coverage("supervisor", weeks=4, target=2)["summary"]
    assert summary == {
        "practitioners": 2,
        "without_rating": 1,
        "without_coaching": 0,
        "meeting_target": 1,
        "meeting_target_percent": 50.0,
        "champions": 1,
    }


def test_filters_narrow_within_what_the_caller_may_see(scene: Scene) -> None:
    cast = scene.cast
    supervisor = str(cast.id("supervisor"))
    assert set(scene.rows("lead", supervisor_user_id=supervisor)) == {"p1", "p2"}
    assert set(scene.rows("lead", coach_user_id=str(cast.id("coach")))) == {"p1"}
    assert set(scene.rows("lead", practitioner_user_id=str(cast.id("p3")))) == {"p3"}
    assert set(scene.rows("supervisor", practitioner_user_id=str(cast.id("p2")))) == {"p2"}


def _refused(scene: Scene, who: str, **params: Any) -> Any:
    answer = scene.cast.get(who, "/reports/coverage", **{**PERIOD, **params})
    assert 400 <= answer.status_code < 500, answer.text
    return answer


def test_a_filter_out_of_reach_is_refused_not_answered_empty(scene: Scene) -> None:
    cast = scene.cast
    refusals = [
        ("supervisor", "supervisor_user_id", "other_supervisor"),
        ("supervisor", "practitioner_user_id", "p3"),
        ("coach", "coach_user_id", "coach2"),
        ("p1", "practitioner_user_id", "p2"),
    ]
    for who, name, whom in refusals:
        answer = _refused(scene, who, **{name: str(cast.id(whom))})
        assert answer.status_code == 404, (who, name)
        assert answer.json()["error"]["message"].startswith(f"{name}:")
    outsider = cast.get("outsider", "/reports/coverage")
    assert outsider.status_code == 404
    assert outsider.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "named", "code"),
    [
        ({"weeks": 0}, "weeks", "validation_error"),
        ({"weeks": 105}, "weeks", "validation_error"),
        ({"weeks": "eight"}, "weeks", "validation_error"),
        ({"target": 0}, "target", "validation_error"),
        ({"target": 101}, "target", "validation_error"),
        ({"team": "north"}, "team", "unknown_filter"),
        ({"attribute": "locality"}, "attribute", "unknown_filter"),
        ({"from": "2025-06-01", "to": "2025-05-31"}, "to", "invalid_period"),
        ({"from": "2023-01-01", "to": "2025-05-31"}, "to", "period_too_long"),
        ({"to": "31/05/2025"}, "to", "validation_error"),
    ],
)
def test_bad_input_is_a_422_naming_the_parameter(
    scene: Scene, params: dict[str, Any], named: str, code: str
) -> None:
    answer = _refused(scene, "lead", **params)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == code
    assert error["message"].startswith(f"{named}:"), error["message"]


def test_an_unknown_programme_is_not_found(scene: Scene) -> None:
    answer = _refused(scene, "lead", programme_id=str(scene.cast.id("p1")))
    assert answer.status_code == 404
    assert answer.json()["error"]["message"].startswith("programme_id:")


def _as_text(column: str, value: Any) -> str:
    """A JSON value as app/reports/csv.py writes it: the JSON's own text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _csv(scene: Scene, **params: Any) -> tuple[list[str], list[dict[str, str]], Any]:
    headers = {**scene.cast.auth("lead"), **params.pop("headers", {})}
    answer = scene.cast.client.get(
        f"{scene.cast.base}/reports/coverage",
        params={**PERIOD, "weeks": 4, "target": 2, **params},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    reader = csv.DictReader(io.StringIO(answer.text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows, answer


def test_csv_rows_equal_the_json_rows_every_one_of_them(scene: Scene) -> None:
    expected = expected_rows(scene)
    columns, rows, answer = _csv(scene, format="csv", limit=1)
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"] == (
        'attachment; filename="coverage-report-2025-03-01-to-2025-05-31.csv"'
    )
    assert columns == list(expected[0])
    assert rows == [{key: _as_text(key, value) for key, value in row.items()} for row in expected]
    _, by_header, answer = _csv(scene, headers={"Accept": "text/csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert by_header == rows


def test_csv_is_refused_like_json_for_bad_input(scene: Scene) -> None:
    answer = _refused(scene, "lead", format="csv", weeks=0)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/json")

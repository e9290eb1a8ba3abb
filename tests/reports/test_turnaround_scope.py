"""Whose recordings each person finds in the turnaround report, how the filters narrow
it, and the requests it refuses. The scenario is test_turnaround.py's."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.reports.test_turnaround import PERIOD, Reviews, build_scenario, make_reviews, row
from tests.ringfenced.cast import make_time_cast


@pytest.fixture
def reviews(app: FastAPI, db: Session, client: TestClient) -> Reviews:
    built = make_reviews(make_time_cast(db, client, app.state.settings.secret_key))
    build_scenario(built)
    return built


@pytest.mark.parametrize(
    ("who", "uploaded", "coaches"),
    [
        # p1: r1 r2 r7 r9 r10; p2: r3 r4; p3: r5 (the lead's comment).
        ("lead", 8, {"coach", "coach2", "lead"}),
        ("supervisor", 7, {"coach", "coach2"}),
        ("other_supervisor", 1, {"lead"}),
        ("coach", 7, {"coach", "coach2"}),
        ("coach2", 5, {"coach", "coach2"}),
        ("p1", 5, {"coach", "coach2"}),
        ("p2", 2, {"coach"}),
        ("p3", 1, {"lead"}),
    ],
)
def test_each_role_sees_the_recordings_in_their_care(
    reviews: Reviews, who: str, uploaded: int, coaches: set[str]
) -> None:
    rows = reviews.rows(who)
    assert rows[None]["recordings_uploaded"] == uploaded
    assert set(rows) - {None} == coaches


def test_filters_narrow_within_what_the_caller_may_see(reviews: Reviews) -> None:
    cast = reviews.cast
    # p2's recordings: r3 (comment 23 h, observation 72 h) and r4 (unanswered).
    p2 = reviews.rows(practitioner_user_id=str(cast.id("p2")))
    assert p2 == {
        None: row(2, 1, 23.0, 23.0, 1, 72.0, 72.0, 1, 1, 1, 1),
        "coach": row(2, 1, 23.0, 23.0, 1, 72.0, 72.0, 1, 1, 1, 1),
    }
    # coach2 coaches p1 alone: r1 r2 r7 r9 r10.
    by_coach = reviews.rows(coach_user_id=str(cast.id("coach2")))
    assert by_coach[None]["recordings_uploaded"] == 5
    other_team = reviews.rows(supervisor_user_id=str(cast.id("other_supervisor")))
    assert set(other_team) == {None, "lead"}
    # r10 alone is in the other programme: comments 0.2 (coach) and 1.3 (coach2).
    programme = reviews.rows(programme_id=str(reviews.other_programme.id))
    assert programme[None] == row(1, 1, 0.2, 0.2, 1, 49.5, 49.5, 0, 0, 0, 0)
    assert programme["coach2"]["first_comment_median_hours"] == 1.3
    # The days narrow the uploads: March only leaves r1, r2, r3.
    march = reviews.rows(**{"from": "2025-03-01", "to": "2025-03-31"})
    assert march[None]["recordings_uploaded"] == 3


def _refused(reviews: Reviews, who: str, status: int, code: str, **params: Any) -> str:
    answer = reviews.cast.get(who, "/reports/turnaround", **params)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code
    message: str = error["message"]
    return message


def test_bad_requests_are_refused_with_the_parameter_named(reviews: Reviews) -> None:
    cast = reviews.cast
    assert _refused(reviews, "lead", 422, "unknown_filter", coach="x").startswith("coach:")
    assert _refused(reviews, "lead", 422, "unknown_filter", rubric_id="x").startswith("rubric_id:")
    reversed_days = {"from": "2025-04-30", "to": "2025-03-01"}
    assert _refused(reviews, "lead", 422, "invalid_period", **reversed_days).startswith("to:")
    too_long = {"from": "2023-01-01", "to": "2025-03-01"}
    assert _refused(reviews, "lead", 422, "period_too_long", **too_long).startswith("to:")
    other_team = str(cast.id("other_supervisor"))
    message = _refused(reviews, "supervisor", 404, "not_found", supervisor_user_id=other_team)
    assert message.startswith("supervisor_user_id:")
    outside = str(cast.id("p3"))
    message = _refused(reviews, "coach", 404, "not_found", practitioner_user_id=outside)
    assert message.startswith("practitioner_user_id:")
    answer = cast.get("lead", "/reports/turnaround", **PERIOD, format="xml")
    assert answer.status_code == 422


def test_another_organisation_is_not_found(reviews: Reviews) -> None:
    answer = reviews.cast.get("outsider", "/reports/turnaround", **PERIOD)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"

"""Whose figures the fidelity report holds for each role, the blind rater's view, and
the bad requests it refuses (the scenario of test_fidelity.py)."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import make_observation, make_organisation, make_programme
from tests.reports.test_fidelity_cast import (
    L50,
    FidelityCast,
    build,
    figures,
    keyed,
    utc,
)


@pytest.fixture
def cast(app: FastAPI, db: Session, client: TestClient) -> FidelityCast:
    return build(db, client, app.state.settings.secret_key)


def _practitioners(cast: FidelityCast, who: str, **params: Any) -> set[str | None]:
    return {cast.name_of(row["group_id"]) for row in cast.rows(who, **params)}


def _observed(cast: FidelityCast, who: str, **params: Any) -> list[str]:
    ids = {str(o.id): name for name, o in cast.observations.items()}
    return [ids[row["observation_id"]] for row in cast.rows(who, by="observation", **params)]


def test_each_role_sees_whom_it_may(cast: FidelityCast) -> None:
    assert _practitioners(cast, "lead") == {"p1", "p2", "p3", "p4"}
    assert _practitioners(cast, "sup1") == {"p1", "p2"}
    assert _practitioners(cast, "sup2") == {"p3"}
    assert _practitioners(cast, "coach_a") == {"p1", "p3"}
    assert _practitioners(cast, "coach_b") == {"p1", "p2", "p4"}
    assert _practitioners(cast, "p3") == {"p3"}
    assert _practitioners(cast, "rater2") == set()  # second-rates, coaches nobody


def test_a_team_report_holds_the_team_only(cast: FidelityCast) -> None:
    body = cast.report("sup1", by="organisation")
    assert keyed(cast, body["rows"]) == figures(
        ("organisation", "P2", 1, 1, 50.0, 0.0, 0, 0, 0),
        ("organisation", "P1", 2, 5, 82.5, 60.0, 1, 1, 0),
    )
    # A practitioner's own rows under each of their coaches.
    mine = cast.rows("p1", by="coach")
    assert [(cast.name_of(r["group_id"]), r["observations"]) for r in mine] == [
        ("coach_a", 1),
        ("coach_a", 3),
        ("coach_b", 1),
        ("coach_b", 3),
    ]


def test_a_blind_rater_sees_nothing_of_the_recording_they_rate(cast: FidelityCast) -> None:
    # coach_b coaches p1 and has not scored the double-coded R3: o3 is left out of their
    # figures, the status included (two passes, not the three that certify).
    assert "o3" not in _observed(cast, "coach_b")
    assert _observed(cast, "coach_b") == ["o1", "o4", "o2", "o12", "o5", "o13", "o7"]
    p1 = next(
        row
        for row in cast.rows("coach_b")
        if row["group_id"] == cast.id("p1") and row["programme_id"] == str(cast.programmes["P1"].id)
    )
    assert (p1["observations"], p1["mean_weighted_percent"]) == (2, 93.75)
    assert (p1["certified"], p1["certified_at"]) == (False, None)
    body = cast.report("coach_b")
    march = [
        point["observations"]
        for point in body["trend"]
        if point["month"] == "2025-03" and point["programme_name"] == "Home visiting"
    ]
    assert march == [0]
    a1 = next(row for row in body["weakest_criteria"] if row["criterion_code"] == "A1")
    assert a1["scores"] == 5
    # coach_a scored R3 first: they see it.
    assert "o3" in _observed(cast, "coach_a")


def test_once_they_have_scored_it_they_see_it(cast: FidelityCast) -> None:
    make_observation(
        cast.db,
        cast.recording_of("o3"),
        cast.people["coach_b"],
        cast.versions["home"],
        L50,
        submitted_at=utc(3, 7),
    )
    # coach_a's came first and is still the one that counts.
    assert "o3" in _observed(cast, "coach_b")


def test_people_out_of_reach_are_404(cast: FidelityCast) -> None:
    refused = [
        ("outsider", {}),
        ("sup1", {"supervisor_user_id": cast.id("sup2")}),
        ("sup1", {"coach_user_id": cast.id("coach_a")}),
        ("coach_a", {"practitioner_user_id": cast.id("p2")}),
        ("p1", {"practitioner_user_id": cast.id("p2")}),
        ("lead", {"supervisor_user_id": cast.id("p1")}),  # not a supervisor
    ]
    for who, params in refused:
        answer = cast.get(who, **params)
        assert answer.status_code == 404, (who, params, answer.text)
        assert answer.json()["error"]["code"] == "not_found"
        name = next(iter(params), None)
        if name is not None:
            assert answer.json()["error"]["message"].startswith(f"{name}:")


def test_a_programme_of_another_organisation_is_404(cast: FidelityCast) -> None:
    elsewhere = make_programme(cast.db, make_organisation(cast.db), "Elsewhere")
    answer = cast.get("lead", programme_id=str(elsewhere.id))
    assert answer.status_code == 404
    assert answer.json()["error"]["message"].startswith("programme_id:")


@pytest.mark.parametrize(
    ("params", "code", "starts"),
    [
        ({"weeks": "3"}, "unknown_filter", "weeks:"),
        ({"from": "2025-05-01", "to": "2025-04-30"}, "invalid_period", "to:"),
        ({"from": "2023-01-01", "to": "2025-04-30"}, "period_too_long", "to:"),
        ({"by": "team"}, "validation_error", "by:"),
        ({"format": "xml"}, "validation_error", "format:"),
        ({"limit": "0"}, "validation_error", "limit:"),
    ],
)
def test_bad_requests_are_422_naming_the_parameter(
    cast: FidelityCast, params: dict[str, str], code: str, starts: str
) -> None:
    for extra in ({}, {"format": "csv"}):
        answer = cast.get("lead", **{**params, **({} if "format" in params else extra)})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        error = answer.json()["error"]
        assert error["code"] == code
        assert error["message"].startswith(starts)

"""The fidelity report's figures, worked out by hand for the organisation of
test_fidelity_cast.py (its docstring lists every observation), for each grouping, with
the trend and the weakest criteria."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models.base import utcnow
from tests.factories import make_programme, make_rubric_version
from tests.reports.test_fidelity_cast import (
    P2_CERTIFIED,
    P4_CERTIFIED,
    FidelityCast,
    build,
    figures,
    keyed,
    utc,
)


@pytest.fixture
def cast(app: FastAPI, db: Session, client: TestClient) -> FidelityCast:
    return build(db, client, app.state.settings.secret_key)


# P1 in the period: o1 100, o2 87.5, o3 100, o4 75, o5 50, o6 50, o7 87.5 (o3b and o8 not).
# P2 in the period: o9 100, o10 83.33, o11 100, o12 50, o13 100.
def test_by_organisation(cast: FidelityCast) -> None:
    body = cast.report("lead", by="organisation")
    assert body["by"] == "organisation"
    assert (body["first_day"], body["last_day"]) == ("2025-01-01", "2025-04-30")
    assert keyed(cast, body["rows"]) == figures(
        ("organisation", "P2", 3, 5, (100 + 250 / 3 + 100 + 50 + 100) / 5, 80.0, 0, 1, 2),
        ("organisation", "P1", 4, 7, 550 / 7, 400 / 7, 1, 1, 0),
    )
    assert body["rows"][0]["group_name"] == cast.organisation.name
    assert body["rows"][0]["programme_name"] == "Family support"


def test_by_supervisor_puts_the_unsupervised_last(cast: FidelityCast) -> None:
    rows = cast.rows("lead", by="supervisor")
    assert keyed(cast, rows) == figures(
        ("sup1", "P2", 1, 1, 50.0, 0.0, 0, 0, 0),  # p1's o12
        ("sup1", "P1", 2, 5, 412.5 / 5, 60.0, 1, 1, 0),  # p1 o1 o2 o3, p2 o4 o5
        ("sup2", "P2", 1, 3, (200 + 250 / 3) / 3, 100.0, 0, 1, 1),  # p3, due in 10 days
        ("sup2", "P1", 1, 1, 50.0, 0.0, 0, 0, 0),
        (None, "P2", 1, 1, 100.0, 100.0, 0, 0, 1),  # p4: lapsed in 2024
        (None, "P1", 1, 1, 87.5, 100.0, 0, 0, 0),
    )
    assert rows[0]["group_name"] == "sup1" and rows[-1]["group_name"] is None


def test_by_coach_counts_a_practitioner_under_each_coach(cast: FidelityCast) -> None:
    rows = cast.rows("lead", by="coach")
    assert keyed(cast, rows) == figures(
        ("coach_a", "P2", 2, 4, (50 + 200 + 250 / 3) / 4, 75.0, 0, 1, 1),  # p1, p3
        ("coach_a", "P1", 2, 4, 337.5 / 4, 75.0, 0, 1, 0),  # p1, p3
        ("coach_b", "P2", 2, 2, 75.0, 50.0, 0, 0, 1),  # p1, p4
        ("coach_b", "P1", 3, 6, 500 / 6, 400 / 6, 1, 1, 0),  # p1, p2, p4
    )


def test_by_practitioner_with_their_own_status(cast: FidelityCast) -> None:
    rows = cast.rows("lead")  # the default
    assert keyed(cast, rows) == figures(
        ("p1", "P2", 1, 1, 50.0, 0.0, 0, 0, 0),
        ("p1", "P1", 1, 3, 287.5 / 3, 100.0, 0, 1, 0),
        ("p2", "P1", 1, 2, 62.5, 0.0, 1, 0, 0),
        ("p3", "P2", 1, 3, (200 + 250 / 3) / 3, 100.0, 0, 1, 1),
        ("p3", "P1", 1, 1, 50.0, 0.0, 0, 0, 0),
        ("p4", "P2", 1, 1, 100.0, 100.0, 0, 0, 1),
        ("p4", "P1", 1, 1, 87.5, 100.0, 0, 0, 0),
    )
    status = {
        (cast.name_of(row["group_id"]), cast.programme_key(row["programme_id"])): (
            row["drift"],
            row["certified"],
            row["certified_at"],
            row["recertification_due_at"],
        )
        for row in rows
    }
    # o8 (outside the period) is p1's latest: one failure, no drift; still certified.
    p1_certified = utc(3, 5)
    assert status[("p1", "P1")] == (
        False,
        True,
        p1_certified.isoformat().replace("+00:00", "Z"),
        (p1_certified + timedelta(days=36500)).isoformat().replace("+00:00", "Z"),
    )
    assert status[("p2", "P1")][:3] == (True, False, None)
    drift, certified, certified_at, due_at = status[("p3", "P2")]
    assert (drift, certified) == (False, True)
    assert _instant(certified_at) == P2_CERTIFIED
    assert timedelta(days=9) < _instant(due_at) - utcnow() <= timedelta(days=10)
    lapsed = status[("p4", "P2")]
    assert lapsed[1] is False and _instant(lapsed[2]) == P4_CERTIFIED
    assert _instant(lapsed[3]) < utcnow()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_by_observation_the_counted_ones_oldest_first(cast: FidelityCast) -> None:
    rows = cast.rows("lead", by="observation")
    order = ["o1", "o4", "o2", "o9", "o10", "o11", "o3", "o6", "o12", "o5", "o13", "o7"]
    ids = {str(o.id): name for name, o in cast.observations.items()}
    assert [ids[row["observation_id"]] for row in rows] == order
    o5 = rows[order.index("o5")]
    assert o5 == {
        "observation_id": str(cast.observations["o5"].id),
        "submitted_at": "2025-03-31T23:30:00Z",
        "practitioner_user_id": cast.id("p2"),
        "practitioner_name": "p2",
        "rater_user_id": cast.id("coach_b"),
        "rater_name": "coach_b",
        "programme_id": str(cast.programmes["P1"].id),
        "programme_name": "Home visiting",
        "weighted_percent": 50.0,
        "meets_fidelity": False,
    }
    assert [row["weighted_percent"] for row in rows] == pytest.approx(
        [100, 75, 87.5, 100, 250 / 3, 100, 100, 50, 50, 50, 100, 87.5]
    )


def test_trend_has_every_month_in_the_organisations_zone(cast: FidelityCast) -> None:
    trend = cast.report("lead")["trend"]
    assert [
        (
            cast.programme_key(point["programme_id"]),
            point["month"],
            point["observations"],
            point["mean_weighted_percent"],
            point["meeting_fidelity_percent"],
        )
        for point in trend
    ] == figures(
        ("P2", "2025-01", 0, None, None),
        ("P2", "2025-02", 2, (100 + 250 / 3) / 2, 100.0),
        ("P2", "2025-03", 2, 75.0, 50.0),  # o11, o12
        ("P2", "2025-04", 1, 100.0, 100.0),
        ("P1", "2025-01", 3, 262.5 / 3, 200 / 3),  # o1, o2, o4
        ("P1", "2025-02", 0, None, None),
        ("P1", "2025-03", 2, 75.0, 50.0),  # o3, o6; o5 is 1 April in London
        ("P1", "2025-04", 2, 68.75, 50.0),  # o5, o7
    )
    assert trend[0]["programme_name"] == "Family support"


def test_weakest_criteria_across_versions(cast: FidelityCast) -> None:
    weakest = cast.report("lead")["weakest_criteria"]
    # A1: 5 5 5 4 3 1 and 4 of 4 (version 2) -> 1 1 1 .75 .5 0 1 = 75 %, 1 of 7 below 2.
    # A3: 5 3 5 3 5 and 2 of 4 (o4's N/A left out) -> 1 .5 1 .5 1 .5 = 75 %, no minimum.
    # A2: 5 5 5 4 3 5 and 4 of 4 -> 6.25 / 7. B1: 3 3 3 0 3 of 3 = 80 %, 1 of 5 below 1.
    # B2: 3 2 3 3 3 of 3 -> (4 + 2/3) / 5.
    assert [
        (
            cast.programme_key(row["programme_id"]),
            row["rank"],
            row["criterion_code"],
            row["criterion_title"],
            row["scores"],
            row["mean_level_percent"],
            row["below_minimum_percent"],
        )
        for row in weakest
    ] == figures(
        ("P2", 1, "B1", "Criterion B1", 5, 80.0, 20.0),
        ("P2", 2, "B2", "Criterion B2", 5, (4 + 2 / 3) / 5 * 100, None),
        ("P1", 1, "A1", "Criterion A1", 7, 75.0, 100 / 7),
        ("P1", 2, "A3", "Criterion A3", 6, 75.0, None),
        ("P1", 3, "A2", "Reflective listening", 7, 625 / 7, None),
    )


def test_at_most_five_criteria_per_programme(cast: FidelityCast) -> None:
    db = cast.db
    codes = [{"code": f"C{number}"} for number in range(1, 8)]
    programme = make_programme(db, cast.organisation, "Parenting")
    version = make_rubric_version(db, cast.organisation, programme, *codes)
    levels: dict[str, int | None] = {f"C{number}": 1 + number % 5 for number in range(1, 8)}
    cast.observe("c", "p1", version, levels, utc(2, 1))
    weakest = cast.report("lead", programme_id=str(programme.id))["weakest_criteria"]
    # Levels C1..C7: 2 3 4 5 1 2 3; ties by code.
    assert [row["criterion_code"] for row in weakest] == ["C5", "C1", "C6", "C2", "C7"]
    assert [row["rank"] for row in weakest] == [1, 2, 3, 4, 5]


def test_programme_and_people_filters_narrow_everything(cast: FidelityCast) -> None:
    family = str(cast.programmes["P2"].id)
    body = cast.report("lead", by="organisation", programme_id=family)
    assert keyed(cast, body["rows"]) == figures(
        ("organisation", "P2", 3, 5, (100 + 250 / 3 + 100 + 50 + 100) / 5, 80.0, 0, 1, 2)
    )
    assert {point["programme_id"] for point in body["trend"]} == {family}
    assert {row["criterion_code"] for row in body["weakest_criteria"]} == {"B1", "B2"}
    # One team: its row only, not the other teams of its members.
    team = cast.rows("lead", by="supervisor", supervisor_user_id=cast.id("sup1"))
    assert {cast.name_of(row["group_id"]) for row in team} == {"sup1"}
    coach = cast.rows("lead", by="supervisor", coach_user_id=cast.id("coach_a"))
    assert [(cast.name_of(r["group_id"]), r["practitioners"]) for r in coach] == [
        ("sup1", 1),
        ("sup1", 1),
        ("sup2", 1),
        ("sup2", 1),
    ]
    one = cast.report("lead", by="organisation", practitioner_user_id=cast.id("p3"))
    assert keyed(cast, one["rows"]) == figures(
        ("organisation", "P2", 1, 3, (200 + 250 / 3) / 3, 100.0, 0, 1, 1),
        ("organisation", "P1", 1, 1, 50.0, 0.0, 0, 0, 0),
    )
    assert [p["observations"] for p in one["trend"]] == [0, 2, 1, 0, 0, 0, 1, 0]


def test_the_period_cuts_at_the_organisations_midnights(cast: FidelityCast) -> None:
    # 31 March 23:30 UTC is 1 April in London; 30 April 23:30 UTC is 1 May.
    march = cast.rows("lead", by="observation", **{"from": "2025-03-01", "to": "2025-03-31"})
    ids = {str(o.id): name for name, o in cast.observations.items()}
    assert [ids[row["observation_id"]] for row in march] == ["o11", "o3", "o6", "o12"]
    may = cast.rows("lead", by="observation", **{"from": "2025-05-01", "to": "2025-05-01"})
    assert [ids[row["observation_id"]] for row in may] == ["o8"]


def test_rows_are_paged_in_a_stable_order(cast: FidelityCast) -> None:
    whole = cast.rows("lead", by="observation")
    pages = [cast.rows("lead", by="observation", limit=5, offset=n) for n in (0, 5, 10)]
    assert [row for page in pages for row in page] == whole
    body = cast.report("lead", limit=1)
    assert len(body["rows"]) == 1
    assert len(body["trend"]) == 8 and len(body["weakest_criteria"]) == 5


def test_a_default_period_is_the_last_twelve_months(cast: FidelityCast) -> None:
    answer = cast.client.get(cast.url, headers=cast.auth("lead"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    today = datetime.now(UTC).date()  # London and UTC agree on the month but for an hour
    assert body["last_day"] in {today.isoformat(), (today - timedelta(days=1)).isoformat()}
    assert body["first_day"].endswith("-01")
    assert body["rows"] == [] and body["trend"] == [] and body["weakest_criteria"] == []

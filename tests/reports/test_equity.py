"""The equity report: figures worked out by hand from the coverage scenario
(tests/reports/test_coverage.py), March to May 2025.

Each practitioner's figures in the period (completed sittings as a participant, whatever
the kind; counted observations):

| | sittings | minutes | coaching | observations |
|--|--|--|--|--|
| p1 | 4: coaching 60, fidelity assessment 30, supervision 90, group 120 | 300 | 2 | 2 |
| p2 | 2: group 120, coaching 60 | 180 | 1 | 1 (programme B) |
| p3 | 2: training 180, coaching 30 | 210 | 1 | 0 |

Attributes: p1 and p2 locality North, p3 none; service: p1 "Early help", p3 "Youth".
"""

from typing import Any

import pytest

from app.models import Role
from app.models.organisation import AssignmentKind
from tests.factories import assign, make_user, membership_id
from tests.reports.test_coverage import PERIOD, Scene, scene
from tests.ringfenced.cast import TimeCast

__all__ = ["scene"]  # the fixture, shared with test_coverage.py

FIGURES = (
    "practitioners",
    "bookings_completed",
    "booking_minutes",
    "coaching_sessions",
    "practitioners_coached",
    "observations",
    "practitioners_rated",
    "bookings_per_practitioner",
    "booking_minutes_per_practitioner",
    "coaching_sessions_per_practitioner",
    "observations_per_practitioner",
    "coached_percent",
    "rated_percent",
)


def figures(*values: float | None) -> dict[str, Any]:
    return dict(zip(FIGURES, values, strict=True))


NORTH = figures(2, 6, 480, 3, 2, 3, 2, 3.0, 240.0, 1.5, 1.5, 100.0, 100.0)
P3_ALONE = figures(1, 2, 210, 1, 1, 0, 0, 2.0, 210.0, 1.0, 0.0, 100.0, 0.0)
EVERYONE = figures(3, 8, 690, 4, 3, 3, 2, 2.67, 230.0, 1.33, 1.0, 100.0, 66.7)


def set_attributes(cast: TimeCast, who: str, **attributes: str) -> None:
    """Through the API, as a lead does."""
    member = membership_id(cast.db, cast.organisation, cast.people[who])
    answer = cast.client.put(
        f"{cast.base}/members/{member}/attributes",
        json={"attributes": attributes},
        headers=cast.auth("lead"),
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture
def attributed(scene: Scene) -> Scene:
    set_attributes(scene.cast, "p1", locality="North", service="Early help")
    set_attributes(scene.cast, "p2", locality="North")
    set_attributes(scene.cast, "p3", service="Youth")
    set_attributes(scene.cast, "coach", locality="South")  # not a practitioner: no group
    return scene


def equity(scene: Scene, who: str, **params: Any) -> Any:
    answer = scene.cast.get(who, "/reports/equity", **{**PERIOD, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def group(attribute: str, value: str | None, figures: dict[str, Any], **more: Any) -> Any:
    return {
        "attribute": attribute,
        "value": value,
        "supervisor_user_id": more.get("supervisor_user_id"),
        **figures,
    }


def test_by_an_attribute_each_value_and_the_not_set(attributed: Scene) -> None:
    report = equity(attributed, "lead", attribute="locality")
    assert report["rows"] == [
        group("locality", "North", NORTH),
        group("locality", None, P3_ALONE),
    ]
    assert report["overall"] == EVERYONE
    assert (report["first_day"], report["last_day"], report["attribute"]) == (
        "2025-03-01",
        "2025-05-31",
        "locality",
    )


def test_another_attribute_groups_otherwise(attributed: Scene) -> None:
    rows = equity(attributed, "lead", attribute="service")["rows"]
    p1 = figures(1, 4, 300, 2, 1, 2, 1, 4.0, 300.0, 2.0, 2.0, 100.0, 100.0)
    p2 = figures(1, 2, 180, 1, 1, 1, 1, 2.0, 180.0, 1.0, 1.0, 100.0, 100.0)
    assert rows == [
        group("service", "Early help", p1),
        group("service", "Youth", P3_ALONE),
        group("service", None, p2),
    ]


def test_by_team_a_practitioner_counts_in_each_supervisors_team(attributed: Scene) -> None:
    """p2 joins other_supervisor's team too; p4, whom nobody supervises, is the not-set row."""
    cast = attributed.cast
    assign(
        cast.db,
        cast.organisation,
        cast.people["other_supervisor"],
        cast.people["p2"],
        AssignmentKind.supervisor,
    )
    p4 = make_user(cast.db, cast.organisation, Role.practitioner)
    p4.display_name = "p4"
    cast.db.add(p4)
    cast.db.commit()
    report = equity(attributed, "lead")
    other_team = figures(2, 4, 390, 2, 2, 1, 1, 2.0, 195.0, 1.0, 0.5, 100.0, 50.0)
    nobody = figures(1, 0, 0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    assert report["attribute"] == "team"
    assert report["rows"] == [
        group(
            "team",
            "other_supervisor",
            other_team,
            supervisor_user_id=str(cast.id("other_supervisor")),
        ),
        group("team", "supervisor", NORTH, supervisor_user_id=str(cast.id("supervisor"))),
        group("team", None, nobody),
    ]
    assert report["overall"] == figures(4, 8, 690, 4, 3, 3, 2, 2.0, 172.5, 1.0, 0.75, 75.0, 50.0)


def test_programme_narrows_the_observations_only(attributed: Scene) -> None:
    by_b = equity(
        attributed, "lead", attribute="locality", programme_id=str(attributed.programme_b.id)
    )
    north = by_b["rows"][0]
    assert (north["observations"], north["practitioners_rated"], north["rated_percent"]) == (
        1,
        1,
        50.0,
    )
    assert (north["bookings_completed"], north["booking_minutes"]) == (6, 480)
    by_a = equity(
        attributed, "lead", attribute="locality", programme_id=str(attributed.programme_a.id)
    )
    assert by_a["overall"]["observations"] == 2


def test_a_blind_rater_counts_no_observation_of_what_they_rate_blind(attributed: Scene) -> None:
    report = equity(attributed, "coach2", attribute="locality")
    p2 = figures(1, 2, 180, 1, 1, 0, 0, 2.0, 180.0, 1.0, 0.0, 100.0, 0.0)
    assert report["rows"] == [group("locality", "North", p2)]


@pytest.mark.parametrize(
    ("who", "groups", "practitioners"),
    [
        ("lead", ["North", None], 3),
        ("supervisor", ["North"], 2),
        ("other_supervisor", [None], 1),
        ("coach", ["North"], 1),
        ("p3", [None], 1),
    ],
)
def test_each_role_counts_the_practitioners_in_their_care(
    attributed: Scene, who: str, groups: list[str | None], practitioners: int
) -> None:
    report = equity(attributed, who, attribute="locality")
    assert [row["value"] for row in report["rows"]] == groups
    assert report["overall"]["practitioners"] == practitioners


def test_the_period_bounds_the_figures(attributed: Scene) -> None:
    """April alone: p1's coaching and group supervision, p2's group supervision, rec4."""
    report = equity(
        attributed, "lead", attribute="locality", **{"from": "2025-04-01", "to": "2025-04-30"}
    )
    assert report["rows"][0] == group(
        "locality", "North", figures(2, 3, 300, 1, 1, 1, 1, 1.5, 150.0, 0.5, 0.5, 50.0, 50.0)
    )

"""Whose time each person finds in the time report and the erosion list."""

from datetime import date

import pytest

from tests.ringfenced.cast import TimeCast

FIRST, LAST = date(2025, 5, 1), date(2025, 5, 31)
PRACTITIONERS = ("p1", "p2", "p3")


@pytest.fixture
def everyone_has_time(cast: TimeCast) -> TimeCast:
    for who in PRACTITIONERS:
        cast.allocate(who, "coaching", 120, "week", date(2025, 1, 1))
        cast.log(who, "coaching", date(2025, 5, 5), 30)  # far below: eroded
    return cast


def _practitioners(
    cast: TimeCast, who: str, path: str = "/reports/time", **params: object
) -> set[str]:
    answer = cast.get(who, path, **{"from": FIRST, "to": LAST, **params})
    assert answer.status_code == 200, answer.text
    return {row["practitioner_name"] for row in answer.json()}


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("lead", {"p1", "p2", "p3"}),
        ("supervisor", {"p1", "p2"}),
        ("other_supervisor", {"p3"}),
        ("coach", {"p1"}),
        ("p1", {"p1"}),
        ("p3", {"p3"}),
    ],
)
def test_each_role_sees_the_practitioners_in_their_care(
    everyone_has_time: TimeCast, who: str, sees: set[str]
) -> None:
    assert _practitioners(everyone_has_time, who) == sees
    assert _practitioners(everyone_has_time, who, "/reports/time/erosion") == sees


def test_filters_narrow_within_what_the_caller_may_see(everyone_has_time: TimeCast) -> None:
    cast = everyone_has_time
    supervisor = str(cast.id("supervisor"))
    assert _practitioners(cast, "lead", supervisor_user_id=supervisor) == {"p1", "p2"}
    assert _practitioners(cast, "lead", practitioner_user_id=str(cast.id("p3"))) == {"p3"}
    # A supervisor asking for someone outside their team gets nothing, not their figures.
    assert _practitioners(cast, "supervisor", practitioner_user_id=str(cast.id("p3"))) == set()
    assert _practitioners(cast, "p1", supervisor_user_id=supervisor) == {"p1"}


def test_another_organisation_is_not_found(everyone_has_time: TimeCast) -> None:
    for path in ("/reports/time", "/reports/time/erosion"):
        answer = everyone_has_time.get("outsider", path)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"


def test_a_former_practitioner_drops_out_of_the_report(everyone_has_time: TimeCast) -> None:
    """The report is about members holding the practitioner role now."""
    cast = everyone_has_time
    members = cast.get("lead", "/members").json()
    p2 = next(member for member in members if member["user_id"] == str(cast.id("p2")))
    changed = cast.client.patch(
        f"{cast.base}/members/{p2['membership_id']}",
        json={"roles": ["coach"]},
        headers=cast.auth("lead"),
    )
    assert changed.status_code == 200, changed.text
    assert _practitioners(cast, "lead") == {"p1", "p3"}

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
    assert _practitioners(cast, "supervisor", supervisor_user_id=supervisor) == {"p1", "p2"}


def test_a_filter_out_of_reach_is_refused_not_answered_empty(
    everyone_has_time: TimeCast,
) -> None:
    """An empty report would pass for "no time used"; the caller learns they asked wrong."""
    cast = everyone_has_time
    refusals = {
        ("supervisor", "practitioner_user_id", "p3"): "practitioner_user_id",
        ("p1", "supervisor_user_id", "supervisor"): "supervisor_user_id",
        ("p1", "practitioner_user_id", "p2"): "practitioner_user_id",
    }
    for (who, name, whom), named in refusals.items():
        answer = cast.get(who, "/reports/time", **{name: str(cast.id(whom))})
        assert answer.status_code == 404, (who, name, answer.text)
        assert answer.json()["error"]["message"].startswith(named + ":")
    unknown = cast.get("lead", "/reports/time", team="north")
    assert unknown.status_code == 422
    assert unknown.json()["error"]["code"] == "unknown_filter"
    by_programme = cast.get("lead", "/reports/time", programme_id=str(cast.id("p1")))
    assert by_programme.status_code == 422, by_programme.text


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

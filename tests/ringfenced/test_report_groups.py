"""The time report summed per team and for the organisation (`by`), worked out by hand."""

from datetime import date

from app.models import BookingStatus
from tests.ringfenced.cast import TimeCast, local

FIRST, LAST = date(2025, 5, 1), date(2025, 5, 31)  # 31 days, long past


def _groups(cast: TimeCast, who: str, by: str) -> dict[tuple[str | None, str], dict[str, object]]:
    answer = cast.get(who, "/reports/time", **{"from": FIRST, "to": LAST, "by": by})
    assert answer.status_code == 200, answer.text
    return {(row["group_name"], row["category"]): row for row in answer.json()}


def _scenario(cast: TimeCast) -> None:
    # 310 minutes a month of coaching each: 310 over May's 31 days, exactly.
    for who in ("p1", "p2", "p3"):
        cast.allocate(who, "coaching", 310, "month", date(2025, 1, 1))
    cast.log("p1", "coaching", date(2025, 5, 5), 300)  # p1 uses almost all of it
    cast.log("p2", "coaching", date(2025, 5, 6), 30)  # p2 far below the tolerance
    cast.book("coaching", local(date(2025, 5, 7), 10), 60, "p3")  # p3: 60 minutes, done
    cast.book(
        "supervision",
        local(date(2025, 5, 8), 10),
        45,
        "p3",
        status=BookingStatus.cancelled,
        by_organisation=True,
    )


def test_teams_sum_their_practitioners(cast: TimeCast) -> None:
    _scenario(cast)
    teams = _groups(cast, "lead", "supervisor")
    assert set(teams) == {
        ("other_supervisor", "coaching"),
        ("other_supervisor", "supervision"),
        ("supervisor", "coaching"),
    }
    team = teams[("supervisor", "coaching")]
    assert team["group_id"] == str(cast.id("supervisor"))
    assert team["practitioners"] == 2
    assert team["allocated_minutes"] == 620
    assert team["used_minutes"] == 330
    assert team["remaining_minutes"] == 10 + 280
    assert team["utilisation_percent"] == 53.2  # 330 / 620 = 53.23 %
    assert team["eroded_practitioners"] == 1  # p2: 30 of 310, under the tolerance
    other = teams[("other_supervisor", "coaching")]
    assert (other["allocated_minutes"], other["used_minutes"]) == (310, 60)
    cancelled = teams[("other_supervisor", "supervision")]
    assert cancelled["cancelled_by_organisation_minutes"] == 45
    assert cancelled["utilisation_percent"] is None
    assert cancelled["eroded_practitioners"] == 1


def test_the_organisation_sums_everyone_and_a_supervisor_only_their_team(
    cast: TimeCast,
) -> None:
    _scenario(cast)
    whole = _groups(cast, "lead", "organisation")
    coaching = whole[(cast.organisation.name, "coaching")]
    assert coaching["group_id"] == str(cast.organisation.id)
    assert (coaching["practitioners"], coaching["allocated_minutes"]) == (3, 930)
    assert coaching["used_minutes"] == 390
    assert coaching["eroded_practitioners"] == 2  # p2 and p3 used under the tolerance
    # The supervisor's "organisation" is what they may see: their own team.
    seen = _groups(cast, "supervisor", "organisation")
    assert seen[(cast.organisation.name, "coaching")]["practitioners"] == 2
    assert (cast.organisation.name, "supervision") not in seen


def test_groups_as_csv_are_the_json_rows(cast: TimeCast) -> None:
    _scenario(cast)
    params = {"from": FIRST, "to": LAST, "by": "supervisor", "format": "csv"}
    answer = cast.get("lead", "/reports/time", **params)
    assert answer.status_code == 200
    lines = answer.text.strip().split("\r\n")
    assert lines[0].startswith("group_by,group_id,group_name,category,practitioners")
    assert len(lines) == 1 + 3
    bad = cast.get("lead", "/reports/time", by="coach")
    assert bad.status_code == 422

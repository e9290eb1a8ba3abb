"""The time report: figures checked against what the scenario's own rows add up to,
worked out here day by day (the app sums months in SQL), over days of the organisation's
time zone."""

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from app.models import BookingStatus, TimeAllocation
from app.models.base import utcnow
from tests.ringfenced.cast import LONDON, TimeCast, local

# The mapping of session kinds to ring-fenced categories.
CATEGORY = {
    "coaching": "coaching",
    "fidelity_assessment": "coaching",
    "supervision": "supervision",
    "group_supervision": "supervision",
    "training": "training",
    "planning": "planning",
}
FIRST, LAST = date(2025, 6, 16), date(2025, 7, 15)  # across a month end, long past


@dataclass(frozen=True)
class Session:
    kind: str
    starts_at: datetime
    minutes: int
    participants: tuple[str, ...]
    status: str = BookingStatus.completed
    by_organisation: bool = False


@dataclass(frozen=True)
class Logged:
    who: str
    category: str
    on_date: date
    minutes: int


def allocated(allocations: list[TimeAllocation], first: date, last: date) -> int:
    """Day by day: a weekly allocation gives minutes/7, a monthly one minutes/(days in
    that month); the exact sum rounded half up."""
    total = Fraction(0)
    day = first
    while day <= last:
        for row in allocations:
            if row.effective_from <= day and (
                row.effective_until is None or day <= row.effective_until
            ):
                days = 7 if row.period == "week" else calendar.monthrange(day.year, day.month)[1]
                total += Fraction(row.minutes, days)
        day += timedelta(days=1)
    return math.floor(total + Fraction(1, 2))


def utilisation(used: int, allocated_minutes: int) -> float | None:
    if allocated_minutes == 0:
        return None
    return math.floor(Fraction(used * 1000, allocated_minutes) + Fraction(1, 2)) / 10


def in_range(instant: datetime, first: date, last: date) -> bool:
    return first <= instant.astimezone(LONDON).date() <= last


def expected_rows(
    cast: TimeCast,
    allocations: list[TimeAllocation],
    sessions: list[Session],
    logged: list[Logged],
    *,
    ended: bool,
) -> dict[tuple[str, str], dict[str, Any]]:
    """What the report must say of the scenario (days FIRST to LAST, nothing to come)."""
    found: dict[tuple[str, str], dict[str, Any]] = {}

    def row(who: str, category: str) -> dict[str, Any]:
        return found.setdefault((who, category), {"used": 0, "cancelled": 0, "allocated": 0})

    for row_ in allocations:
        who = next(
            name for name, user in cast.people.items() if user.id == row_.practitioner_user_id
        )
        row(who, row_.category)
    for (who, category), values in found.items():
        mine = [
            a
            for a in allocations
            if a.practitioner_user_id == cast.id(who) and a.category == category
        ]
        values["allocated"] = allocated(mine, FIRST, LAST)
    for session in sessions:
        if not in_range(session.starts_at, FIRST, LAST):
            continue
        for who in session.participants:
            if session.status == BookingStatus.completed:
                row(who, CATEGORY[session.kind])["used"] += session.minutes
            if session.status == BookingStatus.cancelled and session.by_organisation:
                row(who, CATEGORY[session.kind])["cancelled"] += session.minutes
    for entry in logged:
        if FIRST <= entry.on_date <= LAST:
            row(entry.who, entry.category)["used"] += entry.minutes
    return {
        key: _finished(values, ended=ended) for key, values in found.items() if any(values.values())
    }


def _finished(values: dict[str, int], *, ended: bool) -> dict[str, Any]:
    allocated_minutes, used = values["allocated"], values["used"]
    below = ended and allocated_minutes > 0 and used * 100 < allocated_minutes * 80
    return {
        "allocated_minutes": allocated_minutes,
        "scheduled_minutes": 0,
        "used_minutes": used,
        "remaining_minutes": max(0, allocated_minutes - used),
        "utilisation_percent": utilisation(used, allocated_minutes),
        "cancelled_by_organisation_minutes": values["cancelled"],
        "below_tolerance": below,
        "eroded": below or values["cancelled"] > 0,
    }


def build_scenario(cast: TimeCast) -> dict[tuple[str, str], dict[str, Any]]:
    allocations = [
        cast.allocate("p1", "coaching", 120, "week", date(2025, 6, 20)),
        cast.allocate("p1", "supervision", 90, "month", date(2025, 1, 1), date(2025, 6, 30)),
        cast.allocate("p1", "supervision", 60, "month", date(2025, 7, 1)),
        cast.allocate("p1", "planning", 200, "month", date(2025, 7, 10)),
        cast.allocate("p2", "coaching", 100, "week", date(2025, 6, 1), date(2025, 6, 25)),
        cast.allocate("p2", "training", 300, "month", date(2025, 8, 1)),  # after the range
    ]
    sessions = [
        Session("coaching", local(date(2025, 6, 18), 10), 60, ("p1",)),
        Session("fidelity_assessment", local(date(2025, 6, 25), 14), 45, ("p1",)),
        Session("supervision", local(date(2025, 7, 2), 9), 90, ("p1",)),
        Session("group_supervision", local(date(2025, 7, 8), 13), 120, ("p1", "p2")),
        Session("training", local(date(2025, 6, 30), 9, 30), 180, ("p1",)),
        Session(
            "supervision",
            local(date(2025, 7, 9), 9),
            60,
            ("p1",),
            BookingStatus.cancelled,
            by_organisation=True,
        ),
        Session("coaching", local(date(2025, 7, 1), 11), 60, ("p1",), BookingStatus.cancelled),
        Session("coaching", local(date(2025, 7, 3), 11), 60, ("p1",), BookingStatus.no_show),
        Session("coaching", local(date(2025, 7, 4), 11), 60, ("p1",), BookingStatus.confirmed),
        Session("coaching", local(date(2025, 7, 16), 10), 60, ("p1",)),  # the day after
        Session("coaching", local(date(2025, 6, 15), 23, 30), 60, ("p2",)),  # the day before
    ]
    for session in sessions:
        cast.book(
            session.kind,
            session.starts_at,
            session.minutes,
            *session.participants,
            status=session.status,
            by_organisation=session.by_organisation,
        )
    # p1 organises a session of p2's as a coach would: it is p2's time, not p1's.
    cast.book("coaching", local(date(2025, 6, 20), 15), 50, "p2", organiser="p1")
    sessions.append(Session("coaching", local(date(2025, 6, 20), 15), 50, ("p2",)))
    logged = [
        Logged("p1", "planning", date(2025, 7, 11), 30),
        Logged("p1", "planning", LAST, 45),
        Logged("p1", "planning", LAST + timedelta(days=1), 50),
        Logged("p1", "training", FIRST, 120),
        Logged("p2", "planning", FIRST - timedelta(days=1), 25),
    ]
    for entry in logged:
        cast.log(entry.who, entry.category, entry.on_date, entry.minutes)
    return expected_rows(cast, allocations, sessions, logged, ended=True)


def _by_key(cast: TimeCast, rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    names = {str(user.id): who for who, user in cast.people.items()}
    keyed = {}
    for row in rows:
        who = names[row["practitioner_user_id"]]
        assert row["practitioner_name"] == who
        figures = {key: value for key, value in row.items() if key not in KEYS}
        keyed[(who, row["category"])] = figures
    return keyed


KEYS = ("practitioner_user_id", "practitioner_name", "category")


def test_figures_are_what_the_scenario_adds_up_to(cast: TimeCast) -> None:
    expected = build_scenario(cast)
    rows = cast.report("lead", FIRST, LAST)

    assert _by_key(cast, rows) == expected
    # Rows come by practitioner, then category in a fixed order.
    order = ["supervision", "coaching", "planning", "training"]
    p1 = [row["category"] for row in rows if row["practitioner_name"] == "p1"]
    assert p1 == sorted(p1, key=order.index)
    # Anchors on the scenario itself: the organisation cancelled p1's supervision, and
    # p2's weekly coaching allocation shares 10 days (16-25 June) with the range.
    assert expected[("p1", "supervision")]["eroded"]
    assert expected[("p2", "coaching")]["allocated_minutes"] == round(100 * 10 / 7)


def test_only_pairs_with_something_in_them_are_rows(cast: TimeCast) -> None:
    build_scenario(cast)
    rows = cast.report("lead", FIRST, LAST)
    keys = set(_by_key(cast, rows))
    assert ("p3", "coaching") not in keys  # p3 has nothing at all
    assert ("p2", "training") not in keys  # allocated only after the range
    assert ("p2", "planning") not in keys  # logged only before the range


def test_scheduled_is_confirmed_time_still_to_come(cast: TimeCast) -> None:
    now = utcnow()
    today = now.astimezone(LONDON).date()
    first, last = today - timedelta(days=7), today + timedelta(days=14)
    allocation = cast.allocate("p1", "coaching", 90, "week", first)
    cast.book("coaching", now - timedelta(hours=2), 60, "p1")  # completed
    cast.book("coaching", now + timedelta(days=1), 45, "p1", status=BookingStatus.confirmed)
    cast.book("coaching", now + timedelta(days=2), 30, "p1", status=BookingStatus.confirmed)
    cast.book("coaching", now - timedelta(hours=3), 40, "p1", status=BookingStatus.confirmed)
    cast.book("coaching", now + timedelta(days=3), 20, "p1", status=BookingStatus.proposed)

    (row,) = cast.report("p1", first, last)

    allocated_minutes = allocated([allocation], first, last)
    assert row["allocated_minutes"] == allocated_minutes
    assert row["used_minutes"] == 60
    assert row["scheduled_minutes"] == 45 + 30
    assert row["remaining_minutes"] == max(0, allocated_minutes - 60 - 75)
    assert row["utilisation_percent"] == utilisation(60, allocated_minutes)
    # The days have not ended: using little so far is not erosion yet.
    assert row["below_tolerance"] is False and row["eroded"] is False


def test_remaining_never_goes_below_zero(cast: TimeCast) -> None:
    cast.allocate("p1", "planning", 60, "month", date(2025, 1, 1))
    cast.log("p1", "planning", date(2025, 1, 10), 100)
    (row,) = cast.report("p1", date(2025, 1, 1), date(2025, 1, 31))
    assert row["remaining_minutes"] == 0
    assert row["utilisation_percent"] == utilisation(100, 60)


def test_time_without_an_allocation_has_no_utilisation(cast: TimeCast) -> None:
    cast.log("p1", "training", date(2025, 1, 10), 100)
    (row,) = cast.report("p1", date(2025, 1, 1), date(2025, 1, 31))
    assert row["allocated_minutes"] == 0
    assert row["utilisation_percent"] is None
    assert row["eroded"] is False


SPRING_FORWARD = date(2025, 3, 30)  # the last Sunday of March: 01:00 GMT becomes 02:00 BST
FALL_BACK = date(2025, 10, 26)  # the last Sunday of October: 02:00 BST becomes 01:00 GMT


def test_a_day_of_the_clock_change_is_the_local_day(cast: TimeCast) -> None:
    # 00:30 on the Sunday itself (still GMT) belongs to it...
    cast.book("coaching", local(SPRING_FORWARD, 0, 30), 30, "p1")
    # ... and 00:30 on the Monday, in BST (23:30 UTC on the Sunday), to the Monday.
    cast.book("supervision", local(SPRING_FORWARD + timedelta(days=1), 0, 30), 40, "p1")
    # In October the Sunday's 00:30 is BST (23:30 UTC on Saturday), and its 23:30 GMT.
    cast.book("training", local(FALL_BACK, 0, 30), 50, "p1")
    cast.book("training", local(FALL_BACK, 23, 30), 70, "p1")

    def used(day: date) -> dict[str, int]:
        rows = cast.report("p1", day, day)
        return {row["category"]: row["used_minutes"] for row in rows}

    assert used(SPRING_FORWARD) == {"coaching": 30}
    assert used(SPRING_FORWARD + timedelta(days=1)) == {"supervision": 40}
    assert used(FALL_BACK - timedelta(days=1)) == {}
    assert used(FALL_BACK) == {"training": 120}


def test_a_monthly_allocation_is_spread_over_the_days_of_each_month(cast: TimeCast) -> None:
    february = cast.allocate("p1", "planning", 280, "month", date(2024, 2, 1))  # leap year
    for first, last in (
        (date(2024, 2, 1), date(2024, 2, 29)),
        (date(2024, 2, 20), date(2024, 3, 10)),
        (date(2024, 1, 1), date(2024, 12, 31)),
    ):
        (row,) = cast.report("p1", first, last)
        assert row["allocated_minutes"] == allocated([february], first, last), (first, last)
    (row,) = cast.report("p1", date(2024, 2, 1), date(2024, 2, 29))
    assert row["allocated_minutes"] == 280


def test_erosion_below_tolerance_only_once_the_days_have_ended(cast: TimeCast) -> None:
    cast.allocate("p1", "coaching", 100, "month", date(2025, 1, 1))
    cast.log("p1", "coaching", date(2025, 5, 10), 79)
    cast.allocate("p2", "coaching", 100, "month", date(2025, 1, 1))
    cast.log("p2", "coaching", date(2025, 5, 10), 80)

    rows = _by_key(cast, cast.report("lead", date(2025, 5, 1), date(2025, 5, 31)))
    assert rows[("p1", "coaching")]["below_tolerance"] is True
    assert rows[("p1", "coaching")]["eroded"] is True
    assert rows[("p2", "coaching")]["eroded"] is False  # exactly the tolerance


def test_the_organisation_sets_its_own_tolerance(cast: TimeCast) -> None:
    cast.allocate("p1", "coaching", 100, "month", date(2025, 1, 1))
    cast.log("p1", "coaching", date(2025, 5, 10), 60)
    may = (date(2025, 5, 1), date(2025, 5, 31))
    assert _by_key(cast, cast.report("lead", *may))[("p1", "coaching")]["eroded"] is True

    changed = cast.client.patch(
        cast.base, json={"time_tolerance_percent": 50}, headers=cast.auth("lead")
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["time_tolerance_percent"] == 50
    row = _by_key(cast, cast.report("lead", *may))[("p1", "coaching")]
    assert (row["below_tolerance"], row["eroded"]) == (False, False)  # 60 % used, 50 % asked
    refused = cast.client.patch(
        cast.base, json={"time_tolerance_percent": 101}, headers=cast.auth("lead")
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "time_tolerance_percent"
    supervisor = cast.client.patch(
        cast.base, json={"time_tolerance_percent": 10}, headers=cast.auth("supervisor")
    )
    assert supervisor.status_code == 403


def test_the_erosion_list_names_practitioners_with_their_eroded_categories(
    cast: TimeCast,
) -> None:
    expected = build_scenario(cast)
    answer = cast.get("lead", "/reports/time/erosion", **{"from": FIRST, "to": LAST})
    assert answer.status_code == 200, answer.text
    listed = {item["practitioner_name"]: item for item in answer.json()}

    eroded = {key for key, values in expected.items() if values["eroded"]}
    assert {who for who, _ in eroded} == set(listed)
    for who, item in listed.items():
        assert {row["category"] for row in item["categories"]} == {
            category for name, category in eroded if name == who
        }
        assert item["cancelled_by_organisation_minutes"] == sum(
            expected[(who, row["category"])]["cancelled_by_organisation_minutes"]
            for row in item["categories"]
        )


def test_the_range_is_checked(cast: TimeCast) -> None:
    backwards = cast.get("lead", "/reports/time", **{"from": "2025-02-01", "to": "2025-01-31"})
    assert backwards.status_code == 422
    assert backwards.json()["error"]["code"] == "invalid_period"
    assert "to" in backwards.json()["error"]["message"]
    too_long = cast.get("lead", "/reports/time", **{"from": "2020-01-01", "to": "2025-01-31"})
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "period_too_long"
    for far in ({"from": "0001-01-01", "to": "0001-01-02"}, {"from": "9999-12-31"}):
        answer = cast.get("lead", "/reports/time", **far)
        assert answer.status_code == 422, far
        assert answer.json()["error"]["code"] == "invalid_period"
    not_a_date = cast.get("lead", "/reports/time", **{"from": "0", "to": "2025-01-31"})
    assert not_a_date.status_code == 422
    assert not_a_date.json()["error"]["fields"][0]["field"] == "from"


def test_without_dates_the_report_covers_this_month(cast: TimeCast) -> None:
    today = utcnow().astimezone(LONDON).date()
    cast.log("p1", "planning", today, 25)
    cast.log("p1", "planning", today.replace(day=1) - timedelta(days=1), 40)
    answer = cast.get("p1", "/reports/time")
    assert answer.status_code == 200, answer.text
    assert [row["used_minutes"] for row in answer.json()] == [25]


def test_one_end_alone_stands_for_its_month(cast: TimeCast) -> None:
    cast.log("p1", "planning", date(2025, 2, 1), 10)
    cast.log("p1", "planning", date(2025, 2, 28), 20)
    cast.log("p1", "planning", date(2025, 3, 1), 40)
    for end in ({"from": "2025-02-01"}, {"to": "2025-02-28"}):
        answer = cast.get("p1", "/reports/time", **end)
        assert [row["used_minutes"] for row in answer.json()] == [30], end

"""Series: an RRULE expanded at the same wall-clock time across daylight-saving changes,
bounded, and stored canonical for calendars."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.booking import recurrence
from app.booking.recurrence import RecurrenceError
from tests.booking.conftest import Team

LONDON = ZoneInfo("Europe/London")
HOUR = timedelta(hours=1)


def test_fortnightly_supervision_keeps_ten_oclock_across_both_clock_changes(team: Team) -> None:
    start = datetime(2027, 1, 4, 10, tzinfo=LONDON)
    booking = team.booked(
        "supervisor",
        kind="supervision",
        title="Supervision",
        starts_at=start.isoformat(),
        ends_at=(start + HOUR).isoformat(),
        rrule="RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=26",
    )
    assert booking["rrule"] == "FREQ=WEEKLY;INTERVAL=2;COUNT=26"
    starts = {
        row["local_starts_at"][:10]: datetime.fromisoformat(row["starts_at"])
        for row in booking["occurrences"]
    }
    assert len(starts) == 26
    # Clocks go forward on Sunday 28 March 2027 and back on Sunday 31 October 2027.
    assert starts["2027-03-15"] == datetime(2027, 3, 15, 10, tzinfo=UTC)
    assert starts["2027-03-29"] == datetime(2027, 3, 29, 9, tzinfo=UTC)
    assert starts["2027-10-25"] == datetime(2027, 10, 25, 9, tzinfo=UTC)
    assert starts["2027-11-08"] == datetime(2027, 11, 8, 10, tzinfo=UTC)
    for row in booking["occurrences"]:
        local = datetime.fromisoformat(row["local_starts_at"])
        assert (local.hour, local.minute, local.weekday()) == (10, 0, 0), row
        ends = datetime.fromisoformat(row["ends_at"]) - datetime.fromisoformat(row["starts_at"])
        assert ends == HOUR
    summer = team.listed("owner", **{"from": "2027-03-29", "to": "2027-03-29"})
    assert [item["local_starts_at"] for item in summer] == ["2027-03-29T10:00:00+01:00"]
    assert summer[0]["starts_at"] == "2027-03-29T09:00:00Z"


def test_the_list_expands_the_series_within_the_range(team: Team) -> None:
    start = datetime(2027, 1, 4, 10, tzinfo=LONDON)
    team.booked(
        starts_at=start.isoformat(),
        ends_at=(start + HOUR).isoformat(),
        rrule="FREQ=WEEKLY;INTERVAL=2;COUNT=26",
    )
    # Both dates inclusive, in the organisation's zone.
    march = team.listed("coach", **{"from": "2027-03-01", "to": "2027-03-29"})
    assert [item["local_starts_at"][:10] for item in march] == [
        "2027-03-01",
        "2027-03-15",
        "2027-03-29",
    ]


def test_until_as_a_date_counts_its_whole_day_and_is_stored_in_utc(team: Team) -> None:
    start = datetime(2027, 6, 7, 10, tzinfo=LONDON)
    booking = team.booked(
        starts_at=start.isoformat(),
        ends_at=(start + HOUR).isoformat(),
        rrule="freq=weekly;until=20270628",
    )
    dates = [row["local_starts_at"][:10] for row in booking["occurrences"]]
    assert dates == ["2027-06-07", "2027-06-14", "2027-06-21", "2027-06-28"]
    # The end of 28 June in London (BST) is 22:59:59 UTC, as RFC 5545 wants it written.
    assert booking["rrule"] == "FREQ=WEEKLY;UNTIL=20270628T225959Z"


def _expand(rrule: str | None, start: datetime, hours: int = 1) -> list[datetime]:
    series = recurrence.expand(
        rrule, first_start=start, duration=timedelta(hours=hours), zone=LONDON
    )
    return series.starts


def test_until_in_utc_bounds_the_series_at_that_moment() -> None:
    start = datetime(2027, 3, 1, 10, tzinfo=LONDON)
    starts = _expand("FREQ=DAILY;UNTIL=20270303T100000Z", start)
    assert [moment.day for moment in starts] == [1, 2, 3]
    just_before = _expand("FREQ=DAILY;UNTIL=20270303T095959Z", start)
    assert [moment.day for moment in just_before] == [1, 2]


def test_a_time_the_spring_change_skips_moves_forward_by_the_gap() -> None:
    start = datetime(2027, 3, 27, 1, 30, tzinfo=LONDON)
    starts = _expand("FREQ=DAILY;COUNT=3", start)
    assert [moment.astimezone(LONDON).strftime("%d %H:%M") for moment in starts] == [
        "27 01:30",
        "28 02:30",
        "29 01:30",
    ]


def test_a_split_series_ends_before_the_split_and_the_rest_counts_on() -> None:
    rule = "FREQ=WEEKLY;INTERVAL=2;COUNT=6"
    split_at = datetime(2027, 2, 1, 10, tzinfo=UTC)
    assert recurrence.truncated(rule, before=split_at) == (
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270201T095959Z"
    )
    assert recurrence.remainder(rule, taken=2) == "FREQ=WEEKLY;INTERVAL=2;COUNT=4"
    until = "FREQ=WEEKLY;UNTIL=20270601T000000Z"
    assert recurrence.remainder(until, taken=2) == until


@pytest.mark.parametrize(
    ("rrule", "says"),
    [
        ("FREQ=WEEKLY", "COUNT or UNTIL"),
        ("FREQ=WEEKLY;COUNT=2;UNTIL=20270601", "one of them"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT must be"),
        ("FREQ=WEEKLY;COUNT=201", "COUNT must be"),
        ("FREQ=DAILY;UNTIL=20300101", "at most 200"),
        ("FREQ=YEARLY;COUNT=4", "two years"),
        ("FREQ=MINUTELY;COUNT=3", "FREQ must be"),
        ("FREQ=WEEKLY;BYDAY=TU;COUNT=3", "first occurrence"),
        ("FREQ=DAILY;BYHOUR=10,11;COUNT=4", "overlap"),
        ("FREQ=WEEKLY;COUNT=3;DTSTART=20270101T100000", "DTSTART"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "UNTIL"),
        ("FREQ=WEEKLY;COUNT=2;BYSPIN=3", "not a valid RRULE"),
        ("FREQ=WEEKLY;COUNT=2\nEXDATE:20270108T100000", "one RRULE value"),
    ],
)
def test_a_rule_that_does_not_make_a_bounded_series_is_refused(rrule: str, says: str) -> None:
    start = datetime(2027, 3, 1, 10, tzinfo=LONDON)  # a Monday
    with pytest.raises(RecurrenceError, match=says):
        _expand(rrule, start, hours=2)


def test_a_single_booking_is_its_own_start() -> None:
    start = datetime(2027, 7, 1, 10, tzinfo=LONDON)
    assert _expand(None, start) == [datetime(2027, 7, 1, 9, tzinfo=UTC)]

"""Free slots, computed by the service at a given "now": windows and exceptions on the
organisation's clock, minus sessions and buffers, notice and limits, across the changes
of daylight saving in Europe/London (28 March and 31 October 2027)."""

from datetime import date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.booking.self_booking import list_free_slots
from app.errors import Unprocessable
from app.models import AvailabilityWindow, BookingKind, BookingStatus
from tests.booking.availability_cast import Cast, local, make_cast

MONDAY = date(2027, 3, 1)
TUESDAY = MONDAY + timedelta(days=1)
LONG_AGO = datetime.fromisoformat("2027-01-01T00:00:00+00:00")


@pytest.fixture
def cast(app: FastAPI, client: TestClient, db: Session) -> Cast:
    return make_cast(app, client, db)


def slots(cast: Cast, first: date, last: date | None = None, now: datetime = LONG_AGO) -> list[str]:
    """The free slots' local starts, as the API writes them."""
    found = list_free_slots(
        cast.db, coach=cast.member("coach"), first=first, last=last or first, now=now
    )
    return [slot.local_starts_at.isoformat() for slot in found]


def at(day: date, *walls: str, offset: str = "+00:00") -> list[str]:
    return [f"{day.isoformat()}T{wall}:00{offset}" for wall in walls]


def test_windows_are_cut_into_slots_with_the_buffer_between_them(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00"), (0, "14:00", "15:00")], slot_minutes=60)
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:00", "11:00", "14:00")
    assert slots(cast, TUESDAY) == []


def test_a_buffer_spaces_the_slots_so_booked_ones_never_crowd_each_other(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=45, buffer_minutes=15)
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:00", "11:00")


def test_a_window_that_applies_for_a_while_only_stops_there(cast: Cast) -> None:
    cast.publish([(0, "09:00", "10:00")], slot_minutes=60)
    window = cast.db.exec(select(AvailabilityWindow)).one()
    window.valid_until = MONDAY + timedelta(days=7)
    cast.db.add(window)
    cast.db.commit()
    found = slots(cast, MONDAY, MONDAY + timedelta(days=14))
    assert found == at(MONDAY, "09:00") + at(MONDAY + timedelta(days=7), "09:00")


def test_the_coachs_sessions_take_their_slots_away(cast: Cast) -> None:
    cast.publish([(0, "09:00", "13:00")], slot_minutes=60)
    cast.book("coach", ["practitioner"], local(MONDAY, "10:30"), minutes=30)
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "11:00", "12:00")


def test_the_buffer_keeps_time_free_around_a_session(cast: Cast) -> None:
    cast.publish([(0, "09:00", "13:00")], slot_minutes=60, buffer_minutes=15)
    # Slots at 09:00, 10:15 and 11:30; a session at 12:40 keeps 12:25 to 13:15 free.
    cast.book("coach", ["practitioner"], local(MONDAY, "12:40"), minutes=20)
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:15")


def test_the_coach_is_busy_in_sessions_others_organise(cast: Cast) -> None:
    cast.publish([(0, "09:00", "11:00")], slot_minutes=60)
    cast.book("supervisor", ["coach"], local(MONDAY, "09:00"), kind=BookingKind.supervision)
    assert slots(cast, MONDAY) == at(MONDAY, "10:00")


def test_only_confirmed_sessions_of_the_coach_take_time(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=60)
    cast.book("coach", ["practitioner"], local(MONDAY, "09:00"), status=BookingStatus.cancelled)
    cast.book("coach", ["practitioner"], local(MONDAY, "10:00"), status=BookingStatus.proposed)
    cast.book("other_coach", ["other_practitioner"], local(MONDAY, "11:00"))
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:00", "11:00")


def test_exceptions_take_days_or_hours_away_and_add_extra_hours(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=60)
    next_monday, saturday = MONDAY + timedelta(days=7), MONDAY + timedelta(days=5)
    cast.except_on(MONDAY, hours=("10:00", "10:30"))
    cast.except_on(next_monday)
    cast.except_on(saturday, available=True, hours=("10:00", "12:00"))
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:30")
    assert slots(cast, saturday) == at(saturday, "10:00", "11:00")
    assert slots(cast, next_monday) == []


def test_extra_hours_join_the_weekly_window_they_touch(cast: Cast) -> None:
    cast.publish([(0, "09:00", "11:00")], slot_minutes=60)
    cast.except_on(MONDAY, available=True, hours=("11:00", "12:00"))
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:00", "11:00")


def test_nothing_is_offered_inside_the_notice(cast: Cast) -> None:
    cast.publish([(0, "09:00", "13:00")], slot_minutes=60, min_notice_hours=2)
    now = local(MONDAY, "08:30")
    assert slots(cast, MONDAY, now=now) == at(MONDAY, "11:00", "12:00")
    assert slots(cast, MONDAY, now=local(MONDAY, "13:00")) == []


def test_a_full_day_offers_nothing_more(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00"), (1, "09:00", "10:00")], slot_minutes=60, max_per_day=1)
    cast.book("coach", ["practitioner"], local(MONDAY, "11:00"))
    assert slots(cast, MONDAY, TUESDAY) == at(TUESDAY, "09:00")


def test_only_coaching_sessions_count_towards_the_limits(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=60, max_per_day=1)
    cast.book("supervisor", ["coach"], local(MONDAY, "11:00"), kind=BookingKind.supervision)
    assert slots(cast, MONDAY) == at(MONDAY, "09:00", "10:00")


def test_a_full_week_offers_nothing_more_until_the_next(cast: Cast) -> None:
    weekdays = [(day, "09:00", "10:00") for day in range(5)]
    cast.publish(weekdays, slot_minutes=60, max_per_week=2)
    # Sessions held earlier in the week count too (a completed one included).
    cast.book("coach", ["practitioner"], local(MONDAY, "09:00"), status=BookingStatus.completed)
    cast.book("coach", ["practitioner2"], local(MONDAY + timedelta(days=4), "09:00"))
    wednesday, next_monday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=7)
    assert slots(cast, wednesday, next_monday) == at(next_monday, "09:00")


def test_the_range_is_checked(cast: Cast) -> None:
    cast.publish([(0, "09:00", "10:00")], slot_minutes=60)
    with pytest.raises(Unprocessable) as before:
        slots(cast, TUESDAY, MONDAY)
    with pytest.raises(Unprocessable) as too_long:
        slots(cast, MONDAY, MONDAY + timedelta(days=56))
    assert [field["field"] for field in before.value.extra["fields"]] == ["to"]
    assert "56 days" in too_long.value.message
    assert len(slots(cast, MONDAY, MONDAY + timedelta(days=55))) == 8


def test_by_default_two_weeks_from_today_are_shown(cast: Cast) -> None:
    cast.publish([(day, "09:00", "10:00") for day in range(7)], slot_minutes=60)
    coach = cast.member("coach")
    now = local(MONDAY, "06:00")
    found = list_free_slots(cast.db, coach=coach, first=None, last=None, now=now)
    assert [slot.local_starts_at.date() for slot in found] == [
        MONDAY + timedelta(days=number) for number in range(14)
    ]


# Daylight saving in London: clocks go forward at 01:00 GMT on 28 March 2027 and back at
# 02:00 BST on 31 October 2027.
SPRING, AUTUMN = date(2027, 3, 28), date(2027, 10, 31)


def test_a_window_keeps_its_local_hours_either_side_of_the_spring_change(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=60)
    before, after = SPRING - timedelta(days=6), SPRING + timedelta(days=1)
    found = list_free_slots(
        cast.db, coach=cast.member("coach"), first=before, last=after, now=LONG_AGO
    )
    assert [slot.local_starts_at.isoformat() for slot in found] == at(
        before, "09:00", "10:00", "11:00"
    ) + at(after, "09:00", "10:00", "11:00", offset="+01:00")
    assert [slot.starts_at.hour for slot in found] == [9, 10, 11, 8, 9, 10]


def test_a_window_keeps_its_local_hours_either_side_of_the_autumn_change(cast: Cast) -> None:
    cast.publish([(0, "09:00", "12:00")], slot_minutes=60)
    before, after = AUTUMN - timedelta(days=6), AUTUMN + timedelta(days=1)
    found = list_free_slots(
        cast.db, coach=cast.member("coach"), first=before, last=after, now=LONG_AGO
    )
    assert [slot.local_starts_at.isoformat() for slot in found] == at(
        before, "09:00", "10:00", "11:00", offset="+01:00"
    ) + at(after, "09:00", "10:00", "11:00")
    assert [slot.starts_at.hour for slot in found] == [8, 9, 10, 9, 10, 11]


def test_the_hour_the_spring_change_skips_is_never_offered(cast: Cast) -> None:
    cast.publish([(6, "00:00", "04:00")], slot_minutes=60)
    # Three real hours between midnight and 04:00 that night.
    assert slots(cast, SPRING) == at(SPRING, "00:00") + at(
        SPRING, "02:00", "03:00", offset="+01:00"
    )


def test_a_window_starting_in_the_skipped_hour_starts_when_the_clock_resumes(
    cast: Cast,
) -> None:
    cast.publish([(6, "01:30", "03:00")], slot_minutes=30)
    # 01:30 does not exist that night: read as 01:30 GMT, which the clock shows as 02:30.
    assert slots(cast, SPRING) == at(SPRING, "02:30", offset="+01:00")


def test_the_hour_the_autumn_change_repeats_is_offered_once_each_time(cast: Cast) -> None:
    cast.publish([(6, "00:00", "04:00")], slot_minutes=60)
    # Five real hours: 01:00 happens twice, first in summer time, then in winter time.
    assert slots(cast, AUTUMN) == at(AUTUMN, "00:00", "01:00", offset="+01:00") + at(
        AUTUMN, "01:00", "02:00", "03:00"
    )


def test_a_window_the_spring_change_reverses_offers_nothing(cast: Cast) -> None:
    # 01:30 is read as 01:30 GMT, 02:15 is 01:15 GMT: the window ends before it starts.
    cast.publish([(6, "01:30", "02:15")], slot_minutes=10)
    assert slots(cast, SPRING) == []

"""Free slots through the API: the range asked for, pages, and the next changes of
daylight saving in Europe/London (the last Sundays of March and October)."""

from datetime import date, datetime, timedelta

import pytest
from dateutil.rrule import SU, YEARLY, rrule
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.booking.availability_cast import (
    LONDON,
    Cast,
    local,
    make_cast,
    next_bookable_monday,
    utc,
    written,
)


@pytest.fixture
def cast(app: FastAPI, client: TestClient, db: Session) -> Cast:
    made = make_cast(app, client, db)
    made.publish([(0, "09:00", "12:00")], slot_minutes=60, min_notice_hours=24)
    return made


def free(cast: Cast, first: date, last: date, who: str = "practitioner", **params: object) -> list:
    answer = cast.client.get(
        cast.url("/free-slots"),
        params={"from": first.isoformat(), "to": last.isoformat(), **params},
        headers=cast.auth(who),
    )
    assert answer.status_code == 200, answer.text
    slots: list = answer.json()
    return slots


def next_change(month: int) -> date:
    """The next last Sunday of `month` at least two weeks away."""
    soon = datetime.now(LONDON) + timedelta(weeks=2)
    rule = rrule(YEARLY, bymonth=month, byweekday=SU(-1), dtstart=soon.replace(tzinfo=None))
    return rule[0].date()


def test_slots_are_given_in_utc_and_on_the_organisations_clock(cast: Cast) -> None:
    monday = next_bookable_monday()
    [first, *rest] = free(cast, monday, monday + timedelta(days=6))
    assert len(rest) == 2
    nine = local(monday, "09:00")
    assert first == {
        "starts_at": utc(nine),
        "ends_at": utc(nine + timedelta(hours=1)),
        "local_starts_at": written(nine),
        "local_ends_at": written(nine + timedelta(hours=1)),
    }


def test_slots_come_in_pages(cast: Cast) -> None:
    monday = next_bookable_monday()
    whole = free(cast, monday, monday + timedelta(days=20))
    assert len(whole) == 9
    pages = [free(cast, monday, monday + timedelta(days=20), limit=4, offset=n) for n in (0, 4, 8)]
    assert [slot for page in pages for slot in page] == whole


@pytest.mark.parametrize("month", [3, 10])
def test_a_weekly_window_keeps_its_local_hours_across_the_next_change(
    cast: Cast, month: int
) -> None:
    change = next_change(month)
    before, after = change - timedelta(days=6), change + timedelta(days=1)
    found = free(cast, before, after)
    assert [slot["local_starts_at"][11:16] for slot in found] == ["09:00", "10:00", "11:00"] * 2
    offsets = (
        {slot["local_starts_at"][19:] for slot in found[:3]},
        {slot["local_starts_at"][19:] for slot in found[3:]},
    )
    assert offsets == (({"Z"}, {"+01:00"}) if month == 3 else ({"+01:00"}, {"Z"}))
    # The same slot, booked after the change, is the local 09:00.
    booked = cast.client.post(
        cast.url("/free-slots/book"),
        json={"starts_at": found[3]["starts_at"]},
        headers=cast.auth("practitioner"),
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["occurrences"][0]["local_starts_at"] == written(local(after, "09:00"))


def test_a_bad_range_is_refused_naming_the_parameter(cast: Cast) -> None:
    monday = next_bookable_monday()
    url, headers = cast.url("/free-slots"), cast.auth("practitioner")
    for params in (
        {"from": monday.isoformat(), "to": (monday - timedelta(days=1)).isoformat()},
        {"from": monday.isoformat(), "to": (monday + timedelta(days=56)).isoformat()},
        {"from": "next monday"},
        {"from": "1999-12-31"},
        {"to": "9999-12-31"},
        {"to": "2027-02-30"},
    ):
        answer = cast.client.get(url, params=params, headers=headers)
        assert answer.status_code == 422, params
        fields = [item["field"] for item in answer.json()["error"]["fields"]]
        assert fields == [next(name for name in ("to", "from") if name in params)], params


def test_with_no_range_two_weeks_from_today_are_shown(cast: Cast) -> None:
    answer = cast.client.get(cast.url("/free-slots"), headers=cast.auth("supervisor"))
    assert answer.status_code == 200
    days = {datetime.fromisoformat(slot["local_starts_at"]).date() for slot in answer.json()}
    today = datetime.now(LONDON).date()
    assert days and all(today <= day < today + timedelta(days=14) for day in days)
    assert {day.weekday() for day in days} == {0}

"""A practitioner books one of their coach's free slots in one request, and every way it
is refused (naming the problem, writing nothing)."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Booking, BookingKind
from tests.booking.availability_cast import Cast, local, make_cast, next_bookable_monday, utc

MONDAY = next_bookable_monday()
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def cast(app: FastAPI, client: TestClient, db: Session) -> Cast:
    made = make_cast(app, client, db)
    # Slots on Mondays at 09:00 and 10:15, on Tuesdays at 09:00.
    made.publish(
        [(0, "09:00", "11:30"), (1, "09:00", "10:00")],
        slot_minutes=60,
        buffer_minutes=15,
        min_notice_hours=24,
    )
    return made


def book(cast: Cast, who: str, starts_at: str, **body: Any) -> Any:
    return cast.client.post(
        cast.url("/free-slots/book"), json={"starts_at": starts_at, **body}, headers=cast.auth(who)
    )


def refused(answer: Any, status: int = 409) -> str:
    assert answer.status_code == status, answer.text
    code: str = answer.json()["error"]["code"]
    return code


def refused_slot(answer: Any) -> str:
    """A 409 about the slot asked for: it names `starts_at`, as a validation error would."""
    code = refused(answer)
    assert [problem["field"] for problem in answer.json()["error"]["fields"]] == ["starts_at"]
    assert answer.json()["error"]["message"].startswith("starts_at: ")
    return code


def free_on(cast: Cast, day: Any) -> list[str]:
    answer = cast.client.get(
        cast.url("/free-slots"),
        params={"from": day.isoformat(), "to": day.isoformat()},
        headers=cast.auth("practitioner"),
    )
    assert answer.status_code == 200, answer.text
    return [slot["starts_at"] for slot in answer.json()]


def bookings(cast: Cast) -> list[Booking]:
    cast.db.expire_all()
    return list(cast.db.exec(select(Booking)))


def test_a_practitioner_books_a_free_slot_with_their_coach(cast: Cast) -> None:
    starts_at = local(MONDAY, "10:15")
    answer = book(cast, "practitioner", utc(starts_at), title="Open questions", agenda="Clip 2")
    assert answer.status_code == 201, answer.text
    booking = answer.json()
    assert booking["kind"] == BookingKind.coaching
    assert booking["title"] == "Open questions"
    assert booking["agenda"] == "Clip 2"
    assert booking["self_booked"] is True
    assert booking["organiser"]["id"] == cast.id("coach")
    assert [person["id"] for person in booking["participants"]] == [cast.id("practitioner")]
    [occurrence] = booking["occurrences"]
    assert occurrence["status"] == "confirmed"
    assert occurrence["starts_at"] == utc(starts_at)
    assert occurrence["ends_at"] == utc(starts_at + timedelta(minutes=60))
    # The slot is gone, and 09:00 still ends in time for the coach's buffer.
    assert free_on(cast, MONDAY) == [utc(local(MONDAY, "09:00"))]
    created = cast.db.exec(select(AuditEvent).where(AuditEvent.action == "booking.created")).one()
    assert created.resource_id == booking["id"]


def test_the_start_may_be_given_with_the_local_offset_and_a_default_title(cast: Cast) -> None:
    answer = book(cast, "practitioner", local(TUESDAY, "09:00").isoformat())
    assert answer.status_code == 201, answer.text
    assert answer.json()["title"] == "Coaching session"


def test_a_start_without_an_offset_is_refused(cast: Cast) -> None:
    answer = book(cast, "practitioner", f"{MONDAY.isoformat()}T09:00:00")
    assert refused(answer, 422) == "validation_error"
    assert [item["field"] for item in answer.json()["error"]["fields"]] == ["starts_at"]
    assert bookings(cast) == []


def test_a_start_beyond_the_years_bookings_take_is_refused(cast: Cast) -> None:
    for starts_at in ("9999-12-31T23:59:00-01:00", "2100-01-01T00:00:00Z", "1999-12-31T09:00Z"):
        answer = book(cast, "practitioner", starts_at)
        assert refused(answer, 422) == "invalid", starts_at
        assert [item["field"] for item in answer.json()["error"]["fields"]] == ["starts_at"]
    assert bookings(cast) == []


def test_a_time_that_is_not_one_of_the_coachs_slots_is_refused(cast: Cast) -> None:
    cast.except_on(MONDAY + timedelta(days=7))
    for starts_at in (
        local(MONDAY, "09:30"),  # inside the window, not on a slot
        local(MONDAY, "11:30"),  # the window's end
        local(MONDAY + timedelta(days=2), "09:00"),  # no window on Wednesdays
        local(MONDAY + timedelta(days=7), "09:00"),  # away that day
    ):
        answer = book(cast, "practitioner", utc(starts_at))
        assert refused_slot(answer) == "slot_unavailable", starts_at
    assert bookings(cast) == []


def test_a_slot_inside_the_coachs_notice_is_refused(cast: Cast) -> None:
    past_monday = MONDAY - timedelta(weeks=2)
    assert refused_slot(book(cast, "practitioner", utc(local(past_monday, "09:00")))) == (
        "too_late_to_book"
    )
    answer = cast.client.put(
        cast.url("/availability"),
        json={
            "windows": [{"weekday": 0, "start_time": "09:00", "end_time": "10:00"}],
            "rules": {"min_notice_hours": 720},
        },
        headers=cast.auth("coach"),
    )
    assert answer.status_code == 200
    answer = book(cast, "practitioner", utc(local(MONDAY, "09:00")))
    assert refused_slot(answer) == "too_late_to_book"
    assert "720 hours" in answer.json()["error"]["message"]
    assert bookings(cast) == []


def test_a_day_at_the_coachs_limit_is_refused(cast: Cast) -> None:
    put_rules(cast, max_per_day=1)
    assert book(cast, "practitioner2", utc(local(MONDAY, "09:00"))).status_code == 201
    answer = book(cast, "practitioner", utc(local(MONDAY, "10:15")))
    assert refused_slot(answer) == "booking_limit_reached"
    assert book(cast, "practitioner", utc(local(TUESDAY, "09:00"))).status_code == 201
    assert len(bookings(cast)) == 2


def test_a_week_at_the_coachs_limit_is_refused_until_the_next(cast: Cast) -> None:
    put_rules(cast, max_per_week=2, thursday=True)
    assert book(cast, "practitioner2", utc(local(MONDAY, "09:00"))).status_code == 201
    assert book(cast, "practitioner", utc(local(TUESDAY, "09:00"))).status_code == 201
    thursday = local(MONDAY + timedelta(days=3), "09:00")
    assert refused_slot(book(cast, "practitioner", utc(thursday))) == "booking_limit_reached"
    next_monday = local(MONDAY + timedelta(days=7), "09:00")
    assert book(cast, "practitioner", utc(next_monday)).status_code == 201
    assert len(bookings(cast)) == 3


def put_rules(cast: Cast, *, thursday: bool = False, **rules: Any) -> None:
    """The fixture's windows (and one on Thursdays, if asked) with these rules."""
    windows = [
        {"weekday": 0, "start_time": "09:00", "end_time": "11:30"},
        {"weekday": 1, "start_time": "09:00", "end_time": "10:00"},
    ]
    if thursday:
        windows.append({"weekday": 3, "start_time": "09:00", "end_time": "10:00"})
    body = {"windows": windows, "rules": {"slot_minutes": 60, "buffer_minutes": 15, **rules}}
    answer = cast.client.put(cast.url("/availability"), json=body, headers=cast.auth("coach"))
    assert answer.status_code == 200, answer.text


def test_a_taken_slot_or_a_busy_practitioner_is_a_conflict(cast: Cast) -> None:
    nine = local(MONDAY, "09:00")
    assert book(cast, "practitioner2", utc(nine)).status_code == 201
    taken = book(cast, "practitioner", utc(nine))
    assert refused(taken) == "booking_conflict"
    assert taken.json()["error"]["clashes"][0]["user_id"] == cast.id("coach")
    cast.book("supervisor", ["practitioner"], local(TUESDAY, "08:30"), minutes=60)
    busy = book(cast, "practitioner", utc(local(TUESDAY, "09:00")))
    assert refused(busy) == "booking_conflict"
    assert busy.json()["error"]["clashes"][0]["user_id"] == cast.id("practitioner")
    assert len(bookings(cast)) == 2  # practitioner2's and the supervision


def test_a_clash_with_a_booking_the_caller_may_not_see_names_no_title(cast: Cast) -> None:
    nine = local(MONDAY, "09:00")
    theirs = book(cast, "practitioner2", utc(nine), title="Bedtime at the Smiths'")
    assert theirs.status_code == 201, theirs.text
    booking_url = f"/api/v1/organisations/{cast.organisation.id}/bookings/{theirs.json()['id']}"
    assert cast.client.get(booking_url, headers=cast.auth("practitioner")).status_code == 404
    taken = book(cast, "practitioner", utc(nine))
    assert refused(taken) == "booking_conflict"
    error = taken.json()["error"]
    # The coach is busy then, and that is all another practitioner learns of it.
    assert "Smiths" not in error["message"]
    [clash] = error["clashes"]
    assert clash["user_id"] == cast.id("coach")
    assert (clash["title"], clash["booking_id"], clash["occurrence_id"]) == (None, None, None)
    assert clash["starts_at"] is not None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 403),
        ("lead", 403),
        ("supervisor", 403),
        ("other_practitioner", 404),
        ("other_coach", 404),
        ("outsider", 404),
    ],
)
def test_only_a_practitioner_the_coach_coaches_books_their_slots(
    cast: Cast, who: str, status: int
) -> None:
    answer = book(cast, who, utc(local(MONDAY, "09:00")))
    assert answer.status_code == status
    if status == 403:
        assert answer.json()["error"]["code"] == "self_booking_not_permitted"
    assert bookings(cast) == []


def test_two_practitioners_racing_for_one_slot_one_wins(cast: Cast) -> None:
    nine = utc(local(MONDAY, "09:00"))
    headers = [cast.auth("practitioner"), cast.auth("practitioner2")]
    start = Barrier(2)

    def race(auth: dict[str, str]) -> tuple[int, str]:
        start.wait()
        answer = cast.client.post(
            cast.url("/free-slots/book"), json={"starts_at": nine}, headers=auth
        )
        return answer.status_code, answer.json().get("error", {}).get("code", "")

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(race, headers))
    # The second waits for the first's lock on the coach, then sees its session.
    assert answers == [(201, ""), (409, "booking_conflict")]
    assert len(bookings(cast)) == 1

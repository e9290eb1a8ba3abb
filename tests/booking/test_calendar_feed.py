"""The secret calendar feed: its URL, who it opens to, and what a calendar app reads in it."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar, Event
from sqlalchemy import Engine
from sqlalchemy import event as database_event
from sqlmodel import Session, col, select

from app.config import Settings
from app.main import create_app
from app.models import AuditEvent, Membership, Organisation, Role, User
from app.models.base import utcnow
from app.models.booking import BookingStatus, CalendarFeed
from tests.booking.calendar_factories import (
    cancel,
    last_sunday,
    make_booking,
    move,
    next_year_at,
    occurrences_of,
)
from tests.factories import make_organisation, make_user, token_for

FORTNIGHTLY = "FREQ=WEEKLY;INTERVAL=2;COUNT=6"


def feed_url(client: TestClient, user: User) -> str:
    response = client.get("/api/v1/me/calendar-feed", headers=token_for(client, user))
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    return url


def read_feed(client: TestClient, url: str) -> Calendar:
    """The feed as a calendar app fetches it: no cookie, no bearer token."""
    client.cookies.clear()
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_of(calendar: Calendar, title: str | None = None) -> list[Event]:
    return [event for event in calendar.events if title is None or event["SUMMARY"] == title]


def people(db: Session) -> tuple[Organisation, User, User]:
    organisation = make_organisation(db, "Riverside Family Hub")
    supervisor = make_user(db, organisation, Role.supervisor)
    practitioner = make_user(db, organisation, Role.practitioner)
    return organisation, supervisor, practitioner


def test_the_feed_url_needs_no_sign_in_and_stops_working_once_reset(
    client: TestClient, db: Session, settings: Settings
) -> None:
    organisation, supervisor, practitioner = people(db)
    make_booking(db, organisation, supervisor, [practitioner], starts=next_year_at(1, 12, 10))
    url = feed_url(client, practitioner)
    assert url.startswith(f"{settings.public_url}/api/v1/calendar-feeds/")
    assert feed_url(client, practitioner) == url  # the same URL every time it is asked for

    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private, max-age=")
    calendar = read_feed(client, url)
    assert [event["SUMMARY"] for event in calendar.events] == ["Supervision"]
    assert "METHOD" not in calendar  # a published calendar, not an invitation
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)  # polled hourly

    reset = client.post("/api/v1/me/calendar-feed/reset", headers=token_for(client, practitioner))
    assert reset.status_code == 200, reset.text
    new_url = reset.json()["url"]
    assert new_url != url
    client.cookies.clear()
    gone = client.get(url)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert len(read_feed(client, new_url).events) == 1
    assert feed_url(client, practitioner) == new_url
    audited = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.resource_type == "calendar_feed")
        .order_by(col(AuditEvent.created_at))
    ).all()
    assert audited == ["calendar_feed.created", "calendar_feed.reset"]


def test_the_feed_url_needs_the_apps_secret_key_besides_the_database(
    client: TestClient, db: Session, settings: Settings
) -> None:
    """The row holds neither the URL's secret nor what derives it without the key: the
    same database under another key shows another URL, and the old one opens nothing."""
    _, _, practitioner = people(db)
    url = feed_url(client, practitioner)
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = db.get(CalendarFeed, practitioner.id)
    assert feed is not None
    assert secret not in (feed.secret_seed, feed.secret_hash)

    rotated = create_app(settings.model_copy(update={"secret_key": "another-" + "k" * 40}))
    with TestClient(rotated, base_url="http://localhost") as other:
        new_url = feed_url(other, practitioner)
        assert new_url != url
        assert other.get(url).status_code == 404
        assert len(read_feed(other, new_url).events) == 0
    rotated.state.engine.dispose()


def test_an_unknown_or_malformed_secret_is_not_found(client: TestClient) -> None:
    assert client.get(f"/api/v1/calendar-feeds/{'a' * 43}.ics").status_code == 404
    assert client.get("/api/v1/calendar-feeds/short.ics").status_code == 404


def test_a_series_sends_its_rule_with_cancelled_occurrences_as_exdates(
    client: TestClient, db: Session
) -> None:
    organisation, supervisor, practitioner = people(db)
    booking = make_booking(
        db,
        organisation,
        supervisor,
        [practitioner],
        starts=next_year_at(5, 4, 10),
        rrule=FORTNIGHTLY,
    )
    second = occurrences_of(db, booking)[1]
    cancel(db, second)

    [series] = events_of(read_feed(client, feed_url(client, practitioner)))
    assert series["UID"] == f"{booking.id}@tandem"
    rule = series["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    [exdate] = series.exdates
    assert exdate == second.original_starts_at
    assert series["STATUS"] == "CONFIRMED"
    assert series.start.tzinfo is not None and str(series.start.tzinfo) == "Europe/London"
    assert series.organizer == f"mailto:{supervisor.email}"
    assert [str(attendee) for attendee in series.attendees] == [f"mailto:{practitioner.email}"]
    assert "Video: https://video.example.org/room-2" in series["DESCRIPTION"]
    assert series["URL"] == f"http://localhost/#/sessions?booking={booking.id}"


def test_a_moved_occurrence_is_an_override_at_its_new_time(client: TestClient, db: Session) -> None:
    organisation, supervisor, practitioner = people(db)
    booking = make_booking(
        db,
        organisation,
        supervisor,
        [practitioner],
        starts=next_year_at(5, 4, 10),
        rrule=FORTNIGHTLY,
    )
    third = occurrences_of(db, booking)[2]
    move(db, third, timedelta(hours=3))

    series, override = events_of(read_feed(client, feed_url(client, practitioner)))
    assert "RRULE" in series and "RECURRENCE-ID" not in series
    assert override["UID"] == series["UID"]
    assert override["RECURRENCE-ID"].dt == third.original_starts_at
    assert override.start == third.starts_at
    assert override.start.astimezone(ZoneInfo("Europe/London")).hour == 13
    assert override["SEQUENCE"] > series["SEQUENCE"]
    assert not series.exdates


def test_a_cancelled_single_booking_stays_in_the_feed_as_cancelled(
    client: TestClient, db: Session
) -> None:
    organisation, supervisor, practitioner = people(db)
    booking = make_booking(
        db, organisation, supervisor, [practitioner], starts=next_year_at(2, 3, 9)
    )
    [occurrence] = occurrences_of(db, booking)
    cancel(db, occurrence)

    [event] = events_of(read_feed(client, feed_url(client, practitioner)))
    assert event["STATUS"] == "CANCELLED"
    assert "RRULE" not in event and "RECURRENCE-ID" not in event
    assert event.start == occurrence.starts_at


def test_a_proposed_booking_is_tentative(client: TestClient, db: Session) -> None:
    organisation, supervisor, practitioner = people(db)
    make_booking(
        db,
        organisation,
        supervisor,
        [practitioner],
        starts=next_year_at(2, 3, 9),
        status=BookingStatus.proposed,
    )
    [event] = events_of(read_feed(client, feed_url(client, practitioner)))
    assert event["STATUS"] == "TENTATIVE"


def test_uid_is_stable_and_sequence_rises_after_a_change(client: TestClient, db: Session) -> None:
    organisation, supervisor, practitioner = people(db)
    booking = make_booking(
        db, organisation, supervisor, [practitioner], starts=next_year_at(3, 1, 14)
    )
    url = feed_url(client, practitioner)
    [before] = events_of(read_feed(client, url))
    [again] = events_of(read_feed(client, url))
    assert before["UID"] == again["UID"] == f"{booking.id}@tandem"
    assert before.to_ical() == again.to_ical()  # nothing changed: nothing to update

    booking.title = "Supervision (moved room)"
    booking.sequence += 1
    booking.updated_at = utcnow()
    db.add(booking)
    db.commit()
    [after] = events_of(read_feed(client, url))
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["SUMMARY"] == "Supervision (moved room)"


def test_a_series_across_the_clock_changes_keeps_its_local_time(
    client: TestClient, db: Session
) -> None:
    """Weekly at 10:00 in London from before the last Sunday of March to after the last
    Sunday of October: a calendar app expanding the rule in the feed's VTIMEZONE gets every
    stored occurrence, each at 10:00 local (09:00 UTC in summer, 10:00 UTC in winter)."""
    organisation, supervisor, practitioner = people(db)
    year = utcnow().year + 1
    spring, autumn = last_sunday(year, 3), last_sunday(year, 10)
    first = datetime(year, 3, spring.day - 6, 10, tzinfo=ZoneInfo("Europe/London"))
    weeks = (autumn - first.date()).days // 7 + 2
    booking = make_booking(
        db,
        organisation,
        supervisor,
        [practitioner],
        starts=first,
        rrule=f"FREQ=WEEKLY;COUNT={weeks}",
    )
    stored = [row.starts_at for row in occurrences_of(db, booking)]
    assert {start.hour for start in stored} == {9, 10}  # UTC: both sides of each change

    calendar = read_feed(client, feed_url(client, practitioner))
    [timezone] = calendar.timezones
    assert timezone["TZID"] == "Europe/London"
    assert {part.name for part in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    zone = timezone.to_tz()  # the VTIMEZONE alone, not the machine's zone database
    [series] = calendar.events
    local_start = series.start.replace(tzinfo=None)
    assert local_start.hour == 10
    rule = series["RRULE"].to_ical().decode()
    expanded = [
        moment.replace(tzinfo=zone).astimezone(UTC)
        for moment in rrulestr(rule.replace("Z", ""), dtstart=local_start, ignoretz=True)
    ]
    assert [moment.astimezone(zone).hour for moment in expanded] == [10] * weeks
    assert expanded == stored


def test_a_feed_holds_only_the_persons_own_bookings(client: TestClient, db: Session) -> None:
    organisation, supervisor, practitioner = people(db)
    other = make_user(db, organisation, Role.practitioner)
    lead = make_user(db, organisation, Role.lead)
    start = next_year_at(4, 6, 11)
    make_booking(db, organisation, supervisor, [practitioner], starts=start, title="Theirs")
    make_booking(db, organisation, supervisor, [other], starts=start, title="Other's")
    make_booking(db, organisation, lead, [], starts=start, title="Planning")

    def titles(user: User) -> list[str]:
        calendar = read_feed(client, feed_url(client, user))
        return sorted(str(event["SUMMARY"]) for event in calendar.events)

    assert titles(practitioner) == ["Theirs"]
    assert titles(other) == ["Other's"]
    assert titles(supervisor) == ["Other's", "Theirs"]  # organiser of both
    # A lead may see every booking, but their calendar holds only their own.
    assert titles(lead) == ["Planning"]


def test_leaving_the_organisation_takes_its_bookings_out_of_the_feed(
    client: TestClient, db: Session
) -> None:
    organisation, supervisor, practitioner = people(db)
    make_booking(db, organisation, supervisor, [practitioner], starts=next_year_at(4, 6, 11))
    url = feed_url(client, practitioner)
    assert len(read_feed(client, url).events) == 1
    membership = db.exec(
        select(Membership).where(
            Membership.user_id == practitioner.id, Membership.organisation_id == organisation.id
        )
    ).one()
    db.delete(membership)
    db.commit()
    assert read_feed(client, url).events == []


def test_the_feed_reaches_ninety_days_back_and_all_future(client: TestClient, db: Session) -> None:
    organisation, supervisor, practitioner = people(db)
    now = utcnow()
    for title, days in (("Long ago", -100), ("Last month", -30), ("Far ahead", 600)):
        make_booking(
            db,
            organisation,
            supervisor,
            [practitioner],
            starts=now + timedelta(days=days),
            title=title,
        )
    calendar = read_feed(client, feed_url(client, practitioner))
    assert sorted(str(event["SUMMARY"]) for event in calendar.events) == ["Far ahead", "Last month"]


def test_a_deactivated_persons_feed_is_not_found(client: TestClient, db: Session) -> None:
    _, _, practitioner = people(db)
    url = feed_url(client, practitioner)
    practitioner.is_active = False
    db.add(practitioner)
    db.commit()
    client.cookies.clear()
    assert client.get(url).status_code == 404


def test_a_feed_costs_the_same_few_statements_however_many_bookings(
    client: TestClient, db: Session, app: FastAPI
) -> None:
    """Calendar apps poll feeds all day: reading one must stay cheap as bookings grow."""
    organisation, supervisor, practitioner = people(db)
    url = feed_url(client, practitioner)

    made = 0

    def statements_for_feed_with(bookings: int) -> int:
        nonlocal made
        for _ in range(bookings - made):
            start = next_year_at(7, 1, 9)
            make_booking(db, organisation, supervisor, [practitioner], starts=start)
        made = bookings
        with counting(app.state.engine) as counted:
            assert len(read_feed(client, url).events) == bookings
        return len(counted)

    assert statements_for_feed_with(3) == statements_for_feed_with(30) <= 8


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    database_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        database_event.remove(engine, "before_cursor_execute", count)


def test_changes_made_through_the_booking_api_reach_the_feed(
    client: TestClient, db: Session
) -> None:
    organisation, supervisor, practitioner = people(db)
    headers = token_for(client, supervisor)
    bookings = f"/api/v1/organisations/{organisation.id}/bookings"
    first = next_year_at(9, 6, 10)
    created = client.post(
        bookings,
        json={
            "kind": "supervision",
            "title": "Supervision",
            "starts_at": first.isoformat(),
            "ends_at": (first + timedelta(hours=1)).isoformat(),
            "participant_user_ids": [str(practitioner.id)],
            "rrule": "FREQ=WEEKLY;INTERVAL=2;COUNT=4",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    booking_id = created.json()["id"]
    url = feed_url(client, practitioner)
    [before] = events_of(read_feed(client, url))

    changed = client.patch(
        f"{bookings}/{booking_id}", json={"location": "Room 5, Town Hall"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    third = first + timedelta(weeks=4)
    cancelled = client.post(
        f"{bookings}/{booking_id}/cancel",
        json={"reason": "Training day", "occurrence_start": third.isoformat()},
        headers=headers,
    )
    assert cancelled.status_code == 200, cancelled.text

    [after] = events_of(read_feed(client, url))
    assert after["UID"] == before["UID"] == f"{booking_id}@tandem"
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after["LOCATION"] == "Room 5, Town Hall"
    assert after.exdates == [third]

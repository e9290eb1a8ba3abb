"""Invitations by email (iTIP): calendar apps add, update and cancel bookings from them.

Messages go through a real SMTP server on loopback and are read back with `icalendar`:
first as the booking service sends them, then end to end through the booking API.
"""

from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import Session

from app.booking.notify import booking_changed
from app.config import Settings
from app.main import create_app
from app.models import Organisation, Role, User
from app.models.booking import Booking
from tests.booking.calendar_factories import cancel, make_booking, next_year_at, occurrences_of
from tests.factories import make_organisation, make_user, token_for
from tests.support.smtp import Inbox, running_inbox

SERIES = "FREQ=WEEKLY;INTERVAL=2;COUNT=4"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with running_inbox() as inbox:
        yield inbox


@pytest.fixture
def mailing(settings: Settings, inbox: Inbox) -> Settings:
    return settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": inbox.port,
            "smtp_starttls": False,
            "smtp_from": "tandem@example.org",
        }
    )


@pytest.fixture
def series(db: Session) -> tuple[Booking, User, User]:
    organisation: Organisation = make_organisation(db, "Riverside Family Hub")
    supervisor = make_user(db, organisation, Role.supervisor, email="sam.supervisor@example.org")
    practitioner = make_user(db, organisation, Role.practitioner, email="pat.practice@example.org")
    booking = make_booking(
        db, organisation, supervisor, [practitioner], starts=next_year_at(9, 7, 10), rrule=SERIES
    )
    return booking, supervisor, practitioner


def calendar_of(message: Message, method: str) -> Calendar:
    """The text/calendar alternative, checked against the invite.ics attachment."""
    parts = {part.get_content_type(): part for part in message.walk()}
    invitation = parts["text/calendar"]
    assert invitation.get_param("method") == method
    assert invitation.get_content_charset() == "utf-8"
    assert "text/plain" in parts
    attachment = parts["application/ics"]
    assert attachment.get_filename() == "invite.ics"
    payload = invitation.get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert attachment.get_payload(decode=True) == payload
    return Calendar.from_ical(payload)


def test_a_new_series_is_sent_as_a_request_to_everyone_in_it(
    db: Session, mailing: Settings, inbox: Inbox, series: tuple[Booking, User, User]
) -> None:
    booking, supervisor, practitioner = series
    booking_changed(db, mailing, booking=booking, method="REQUEST")
    db.commit()

    messages = inbox.wait_for(2)
    assert sorted(message["To"] for message in messages) == sorted(
        [supervisor.email, practitioner.email]
    )
    for message in messages:
        assert message["Subject"].startswith("Invitation: Supervision")
        calendar = calendar_of(message, "REQUEST")
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.events
        assert event["UID"] == f"{booking.id}@tandem"
        assert event["RRULE"]["INTERVAL"] == [2]
        assert event.organizer == f"mailto:{supervisor.email}"
        assert [str(attendee) for attendee in event.attendees] == [f"mailto:{practitioner.email}"]
        assert [timezone["TZID"] for timezone in calendar.timezones] == ["Europe/London"]


def test_one_cancelled_occurrence_is_sent_as_a_cancel_of_that_occurrence(
    db: Session, mailing: Settings, inbox: Inbox, series: tuple[Booking, User, User]
) -> None:
    booking, _, _ = series
    second = occurrences_of(db, booking)[1]
    cancel(db, second)
    booking_changed(db, mailing, booking=booking, method="CANCEL", occurrence=second)
    db.commit()

    for message in inbox.wait_for(2):
        assert message["Subject"].startswith("Cancelled: Supervision")
        calendar = calendar_of(message, "CANCEL")
        assert calendar["METHOD"] == "CANCEL"
        [event] = calendar.events
        assert event["UID"] == f"{booking.id}@tandem"
        assert event["RECURRENCE-ID"].dt == second.original_starts_at
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] > booking.sequence
        assert "RRULE" not in event


def test_a_whole_cancelled_booking_is_sent_as_a_cancel_of_the_booking(
    db: Session, mailing: Settings, inbox: Inbox, series: tuple[Booking, User, User]
) -> None:
    booking, _, _ = series
    for occurrence in occurrences_of(db, booking):
        cancel(db, occurrence)
    booking.sequence += 1
    db.add(booking)
    booking_changed(db, mailing, booking=booking, method="CANCEL")
    db.commit()

    for message in inbox.wait_for(2):
        [event] = calendar_of(message, "CANCEL").events
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == booking.sequence
        assert "RECURRENCE-ID" not in event


def test_a_change_that_is_rolled_back_sends_nothing(
    db: Session, mailing: Settings, inbox: Inbox, series: tuple[Booking, User, User]
) -> None:
    booking, _, _ = series
    booking_changed(db, mailing, booking=booking, method="CANCEL")
    db.rollback()
    booking_changed(db, mailing, booking=booking, method="REQUEST")
    db.commit()

    messages = inbox.wait_for(2)
    assert [calendar_of(message, "REQUEST")["METHOD"] for message in messages] == ["REQUEST"] * 2
    assert inbox.messages == messages


def test_without_smtp_nothing_is_sent_and_the_change_goes_through(
    db: Session, settings: Settings, series: tuple[Booking, User, User]
) -> None:
    booking, _, _ = series
    booking.title = "Supervision, room 3"
    booking_changed(db, settings, booking=booking, method="REQUEST")
    db.commit()
    db.refresh(booking)
    assert booking.title == "Supervision, room 3"


@pytest.fixture
def mailing_client(mailing: Settings) -> Iterator[TestClient]:
    app = create_app(mailing)
    with TestClient(app, base_url="http://localhost") as client:
        yield client
    app.state.engine.dispose()


def test_a_series_set_up_then_cut_short_reaches_everyones_calendar(
    mailing_client: TestClient, db: Session, inbox: Inbox
) -> None:
    organisation = make_organisation(db, "Riverside Family Hub")
    coach = make_user(db, organisation, Role.coach)
    practitioner = make_user(db, organisation, Role.practitioner)
    headers = token_for(mailing_client, coach)
    bookings = f"/api/v1/organisations/{organisation.id}/bookings"
    first = next_year_at(10, 5, 10)
    created = mailing_client.post(
        bookings,
        json={
            "kind": "coaching",
            "title": "Coaching",
            "starts_at": first.isoformat(),
            "ends_at": (first + timedelta(hours=1)).isoformat(),
            "participant_user_ids": [str(practitioner.id)],
            "rrule": "FREQ=WEEKLY;COUNT=3",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    booking_id = created.json()["id"]

    requests = inbox.wait_for(2)
    assert sorted(message["To"] for message in requests) == sorted(
        [coach.email, practitioner.email]
    )
    calendar = calendar_of(requests[0], "REQUEST")
    [event] = calendar.events
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == f"{booking_id}@tandem"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]

    second = first + timedelta(weeks=1)
    cancelled = mailing_client.post(
        f"{bookings}/{booking_id}/cancel",
        json={"reason": "Training day", "occurrence_start": second.isoformat()},
        headers=headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    cancels = inbox.wait_for(4)[2:]
    for message in cancels:
        calendar = calendar_of(message, "CANCEL")
        assert calendar["METHOD"] == "CANCEL"
        [instance] = calendar.events
        assert instance["UID"] == f"{booking_id}@tandem"
        assert instance["RECURRENCE-ID"].dt == second
        assert instance["STATUS"] == "CANCELLED"

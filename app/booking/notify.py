"""Invitations by email (iTIP, RFC 5546) when a booking is made, changed or cancelled.

Calendar apps add a METHOD:REQUEST to the calendar by themselves, and take a booking, or
one occurrence of a series, out of it on METHOD:CANCEL. Messages go only when SMTP is set
up, and only once the change is committed: a change that is rolled back sends nothing,
and sending (in a thread of its own) never slows down or fails the request that made it.
"""

import threading
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Literal

from icalendar import Event
from icalendar.enums import STATUS
from sqlalchemy import event as database_event
from sqlmodel import Session

from app.booking.ical import (
    BookingCalendar,
    booking_events,
    calendar_of,
    cancelled_event,
    load_calendars,
    occurrence_event,
)
from app.config import Settings
from app.models.base import utcnow
from app.models.booking import Booking, BookingOccurrence, BookingStatus
from app.notifications.email import calendar_message, deliver

Method = Literal["REQUEST", "CANCEL"]
_OUTBOX = "tandem.booking_invitations"


def booking_changed(
    db: Session,
    settings: Settings,
    *,
    booking: Booking,
    method: Method,
    occurrence: BookingOccurrence | None = None,
) -> None:
    """Email the organiser and every participant about `booking` once `db` commits.

    REQUEST: the booking was made or changed (the whole series, with its cancelled
    occurrences as EXDATEs), or with `occurrence`, that occurrence alone changed.
    CANCEL: the whole booking was cancelled, or with `occurrence`, that one occurrence.
    Call it after the change is flushed, with SEQUENCE already raised."""
    if not settings.smtp_host:
        return
    entries = load_calendars(db, booking_ids=[booking.id], base_url=settings.public_url)
    if not entries:  # no occurrence left: nothing a calendar could show
        return
    [entry] = entries
    stamp = utcnow()
    events = _itip_events(entry, method=method, occurrence=occurrence, stamp=stamp)
    calendar = calendar_of(events, method=method).to_ical()
    sitting = occurrence or _first_sitting(entry)
    when = _local_text(entry, sitting.starts_at)
    subject = f"{_subject_prefix(entry, method)}: {booking.title} ({when})"
    body = _body(entry, method=method, sitting=sitting)
    people = [entry.organiser, *entry.participants]
    recipients = {user.email: user for user in people if user.is_active}
    messages = [
        calendar_message(
            settings, to=email, subject=subject, body=body, calendar=calendar, method=method
        )
        for email in sorted(recipients)
    ]
    _send_after_commit(db, settings, messages)


def _itip_events(
    entry: BookingCalendar,
    *,
    method: Method,
    occurrence: BookingOccurrence | None,
    stamp: datetime,
) -> list[Event]:
    if occurrence is not None and entry.booking.rrule is not None:
        # One occurrence of a series: the instance alone, by its RECURRENCE-ID.
        instance = occurrence_event(entry, occurrence, stamp=stamp)
        if method == "CANCEL":
            instance.status = STATUS.CANCELLED
        return [instance]
    if method == "CANCEL":
        return [cancelled_event(entry, stamp=stamp)]
    return booking_events(entry, stamp=stamp)


def _subject_prefix(entry: BookingCalendar, method: Method) -> str:
    if method == "CANCEL":
        return "Cancelled"
    return "Updated" if entry.booking.sequence > 0 else "Invitation"


def _body(entry: BookingCalendar, *, method: Method, sitting: BookingOccurrence) -> str:
    booking = entry.booking
    lines = [
        booking.title,
        f"When: {_local_text(entry, sitting.starts_at)} to "
        f"{sitting.ends_at.astimezone(entry.zone):%H:%M} ({booking.time_zone})",
    ]
    if booking.rrule and method == "REQUEST":
        lines.append("Repeats: see the attached calendar entry.")
    if booking.location:
        lines.append(f"Where: {booking.location}")
    if booking.video_url:
        lines.append(f"Video: {booking.video_url}")
    lines.append(f"Organiser: {entry.organiser.display_name or entry.organiser.email}")
    if method == "CANCEL":
        lines.append("\nThis has been cancelled; your calendar app can remove it.")
    elif booking.agenda.strip():
        lines.append(f"\nAgenda:\n{booking.agenda.strip()}")
    lines.append(f"\nIn Tandem: {entry.url}\n")
    return "\n".join(lines)


def _first_sitting(entry: BookingCalendar) -> BookingOccurrence:
    """The occurrence a message about the whole booking names: the first still on."""
    live = [row for row in entry.occurrences if row.status != BookingStatus.cancelled]
    return min(live or entry.occurrences, key=lambda row: row.starts_at)


def _local_text(entry: BookingCalendar, moment: datetime) -> str:
    return f"{moment.astimezone(entry.zone):%A %d %B %Y, %H:%M}"


def _send_after_commit(db: Session, settings: Settings, messages: list[EmailMessage]) -> None:
    outbox: list[tuple[Settings, list[EmailMessage]]] | None = db.info.get(_OUTBOX)
    if outbox is None:
        outbox = db.info[_OUTBOX] = []
        database_event.listen(db, "after_commit", _send_outbox)
        database_event.listen(db, "after_rollback", _empty_outbox)
    outbox.append((settings, messages))


def _send_outbox(db: Session) -> None:
    outbox: list[tuple[Settings, list[EmailMessage]]] = db.info[_OUTBOX]
    for settings, messages in outbox:
        threading.Thread(
            target=deliver, args=(settings, messages), name="booking-invitations", daemon=True
        ).start()
    outbox.clear()


def _empty_outbox(db: Session, *_: Any) -> None:
    db.info[_OUTBOX].clear()

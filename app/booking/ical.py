"""Bookings as iCalendar (RFC 5545), for calendar feeds, .ics downloads and invitations.

A single booking is one VEVENT. A series is one VEVENT with the RRULE, an EXDATE for each
cancelled occurrence and an override VEVENT (RECURRENCE-ID) for each occurrence that was
moved or changed on its own. Times carry the booking's zone (TZID, with its VTIMEZONE),
so a calendar app keeps a series at its local wall-clock time across daylight saving.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDuration, vRecur
from icalendar.enums import STATUS
from sqlmodel import Session, col, select

from app.models import User
from app.models.booking import Booking, BookingOccurrence, BookingParticipant, BookingStatus

PRODUCT_ID = "-//Tandem//Bookings//EN"
UID_DOMAIN = "tandem"


def event_status(status: str) -> STATUS:
    """An occurrence's iCalendar STATUS: confirmed, completed and no-show are CONFIRMED
    (it happens, or happened, as planned)."""
    if status == BookingStatus.proposed:
        return STATUS.TENTATIVE
    if status == BookingStatus.cancelled:
        return STATUS.CANCELLED
    return STATUS.CONFIRMED


@dataclass(frozen=True)
class BookingCalendar:
    """Everything a booking's calendar entries are made of."""

    booking: Booking
    occurrences: Sequence[BookingOccurrence]  # by original start
    organiser: User
    participants: Sequence[User]
    url: str

    @property
    def uid(self) -> str:
        return booking_uid(self.booking.id)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.booking.time_zone)

    @property
    def changed_at(self) -> datetime:
        return max([self.booking.updated_at, *(row.updated_at for row in self.occurrences)])


def booking_uid(booking_id: uuid.UUID) -> str:
    """Stable for the booking's lifetime: calendar apps match updates by it."""
    return f"{booking_id}@{UID_DOMAIN}"


def load_calendars(
    db: Session, *, booking_ids: Iterable[uuid.UUID], base_url: str
) -> list[BookingCalendar]:
    """The bookings with their occurrences and people, in four queries however many."""
    ids = list(set(booking_ids))
    if not ids:
        return []
    bookings = db.exec(
        select(Booking)
        .where(col(Booking.id).in_(ids))
        .order_by(col(Booking.starts_at), col(Booking.id))
    ).all()
    sittings: dict[uuid.UUID, list[BookingOccurrence]] = defaultdict(list)
    for row in db.exec(
        select(BookingOccurrence)
        .where(col(BookingOccurrence.booking_id).in_(ids))
        .order_by(col(BookingOccurrence.original_starts_at))
    ):
        sittings[row.booking_id].append(row)
    taking_part: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for booking_id, user_id in db.exec(
        select(BookingParticipant.booking_id, BookingParticipant.user_id).where(
            col(BookingParticipant.booking_id).in_(ids)
        )
    ):
        taking_part[booking_id].append(user_id)
    people_ids = {user_id for users in taking_part.values() for user_id in users}
    people_ids |= {booking.organiser_user_id for booking in bookings}
    people = {user.id: user for user in db.exec(select(User).where(col(User.id).in_(people_ids)))}
    link = base_url.rstrip("/")
    return [
        BookingCalendar(
            booking=booking,
            occurrences=sittings[booking.id],
            organiser=people[booking.organiser_user_id],
            participants=sorted(
                (people[user_id] for user_id in taking_part[booking.id]),
                key=lambda user: user.email,
            ),
            url=f"{link}/#/sessions?booking={booking.id}",
        )
        for booking in bookings
        if sittings[booking.id]  # a booking without a sitting has nothing to show
    ]


def booking_events(entry: BookingCalendar, *, stamp: datetime | None = None) -> list[Event]:
    """A booking's VEVENTs: the booking (a series' master) and its overrides.

    `stamp` is DTSTAMP: when an invitation is sent; without it (feeds, downloads) the
    booking's last change, as RFC 5545 asks of a calendar with no METHOD."""
    stamp = stamp or entry.changed_at
    if entry.booking.rrule is None:
        [occurrence] = entry.occurrences
        return [occurrence_event(entry, occurrence, stamp=stamp)]
    live = [row for row in entry.occurrences if row.status != BookingStatus.cancelled]
    if not live:
        return [cancelled_event(entry, stamp=stamp)]
    proposed = all(row.status == BookingStatus.proposed for row in live)
    status = STATUS.TENTATIVE if proposed else STATUS.CONFIRMED
    master = _series_event(entry, status=status, stamp=stamp)
    cancelled = [row for row in entry.occurrences if row.status == BookingStatus.cancelled]
    if cancelled:
        master.add("exdate", [_local(entry, row.original_starts_at) for row in cancelled])
    overrides = [row for row in live if _differs(entry, row, series_status=status)]
    return [master, *(occurrence_event(entry, row, stamp=stamp) for row in overrides)]


def occurrence_event(
    entry: BookingCalendar, occurrence: BookingOccurrence, *, stamp: datetime
) -> Event:
    """One occurrence: a single booking, or a series' override (with RECURRENCE-ID)."""
    event = _event(
        entry,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        status=event_status(occurrence.status),
        sequence=entry.booking.sequence + occurrence.sequence,
        stamp=stamp,
    )
    if entry.booking.rrule is not None:
        event.RECURRENCE_ID = _local(entry, occurrence.original_starts_at)
    return event


def cancelled_event(entry: BookingCalendar, *, stamp: datetime) -> Event:
    """The whole booking (every occurrence of a series) cancelled."""
    if entry.booking.rrule is None:
        [occurrence] = entry.occurrences
        event = occurrence_event(entry, occurrence, stamp=stamp)
        event.status = STATUS.CANCELLED
        return event
    return _series_event(entry, status=STATUS.CANCELLED, stamp=stamp)


def calendar_of(events: Sequence[Event], *, method: str | None = None, name: str = "") -> Calendar:
    """A VCALENDAR holding `events`, with a VTIMEZONE for each zone they name."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    if events:
        first, last = _span(events)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar


def bookings_ics(
    entries: Sequence[BookingCalendar], *, name: str = "", refresh: timedelta | None = None
) -> bytes:
    """Bookings as one .ics file (no METHOD: a feed or a download, not an invitation);
    `refresh`: how often a subscribed calendar app should fetch it again."""
    events = [event for entry in entries for event in booking_events(entry)]
    calendar = calendar_of(events, name=name)
    if refresh is not None:
        # RFC 7986, and its older spelling, which Outlook reads.
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    ics: bytes = calendar.to_ical()
    return ics


def _series_event(entry: BookingCalendar, *, status: STATUS, stamp: datetime) -> Event:
    booking = entry.booking
    starts_at = booking.starts_at
    event = _event(
        entry,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=booking.duration_minutes),
        status=status,
        sequence=booking.sequence,
        stamp=stamp,
    )
    event.add("rrule", _series_rule(entry))
    return event


def _series_rule(entry: BookingCalendar) -> vRecur:
    """The organiser's RRULE, ending at the last stored occurrence.

    The stored occurrences are the series: ending the rule (UNTIL, in UTC as RFC 5545
    asks with a TZID start) at the last of them keeps a calendar app's expansion the same
    as ours, whatever COUNT or UNTIL the organiser wrote or however the series was cut."""
    value = entry.booking.rrule or ""
    rule: vRecur = vRecur.from_ical(value.removeprefix("RRULE:"))
    rule.pop("COUNT", None)
    rule["UNTIL"] = [max(row.original_starts_at for row in entry.occurrences)]
    return rule


def _event(
    entry: BookingCalendar,
    *,
    starts_at: datetime,
    ends_at: datetime,
    status: STATUS,
    sequence: int,
    stamp: datetime,
) -> Event:
    booking = entry.booking
    event = Event.new(
        uid=entry.uid,
        summary=booking.title,
        description=_description(booking),
        location=booking.location or booking.video_url or None,
        url=entry.url,
        start=_local(entry, starts_at),
        end=_local(entry, ends_at),
        status=status,
        sequence=sequence,
        stamp=stamp,
        last_modified=entry.changed_at,
        organizer=_address(entry.organiser),
        attendees=[_address(user, role="REQ-PARTICIPANT") for user in entry.participants],
    )
    event.add("categories", [booking.kind.replace("_", " ").title()])
    return event


def _description(booking: Booking) -> str | None:
    parts = [booking.agenda.strip()]
    if booking.video_url:
        parts.append(f"Video: {booking.video_url}")
    text = "\n\n".join(part for part in parts if part)
    return text or None


def _address(user: User, *, role: str | None = None) -> vCalAddress:
    # Tandem reads no replies: attendees are told not to send one (RSVP=FALSE).
    if role is None:
        return vCalAddress.new(user.email, cn=user.display_name or user.email)
    return vCalAddress.new(
        user.email, cn=user.display_name or user.email, role=role, rsvp=False, cutype="INDIVIDUAL"
    )


def _differs(entry: BookingCalendar, row: BookingOccurrence, *, series_status: STATUS) -> bool:
    """Whether an occurrence needs an override: moved, changed alone, or another status."""
    as_planned = row.ends_at - row.starts_at == timedelta(minutes=entry.booking.duration_minutes)
    return (
        row.starts_at != row.original_starts_at
        or not as_planned
        or row.sequence > 0
        or event_status(row.status) != series_status
    )


def _local(entry: BookingCalendar, moment: datetime) -> datetime:
    return moment.astimezone(entry.zone)


def _span(events: Sequence[Event]) -> tuple[date, date]:
    """Dates around every time the events name, for the VTIMEZONEs to cover."""
    moments: list[date] = []
    for event in events:
        moments.extend([event.start, event.end, *event.exdates])
        if event.RECURRENCE_ID is not None:
            moments.append(event.RECURRENCE_ID)
        for rule in event.rrules:
            moments.extend(rule.get("UNTIL", []))
    utc = [moment.astimezone(UTC) for moment in moments if isinstance(moment, datetime)]
    return min(utc).date() - timedelta(days=1), max(utc).date() + timedelta(days=2)

"""Bookings (single or a recurring series), their occurrences, coaches' availability and
calendar feeds.

A booking is what its organiser set up: kind, title, participants, where, and for a
series the RRULE. Its occurrences are stored, one row each, expanded from the RRULE with
python-dateutil in the organisation's time zone when the booking is made (a series is
bounded: COUNT or UNTIL). Conflicts, lists, completing or cancelling one occurrence or
the rest of a series, and the time report are then plain SQL over occurrences, and the
calendar feed still sends the series as one RRULE with EXDATEs and overrides.
"""

import enum
import uuid
from datetime import date, datetime, time

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import (
    UTCDateTime,
    created_at_field,
    id_field,
    organisation_field,
    timestamp_field,
)


class BookingKind(enum.StrEnum):
    coaching = "coaching"
    supervision = "supervision"
    group_supervision = "group_supervision"
    fidelity_assessment = "fidelity_assessment"
    training = "training"
    planning = "planning"


class BookingStatus(enum.StrEnum):
    proposed = "proposed"
    confirmed = "confirmed"
    completed = "completed"
    cancelled = "cancelled"
    no_show = "no_show"


class Booking(SQLModel, table=True):
    """What the organiser set up; its times live in its occurrences."""

    __tablename__ = "booking"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    kind: str = Field(max_length=30)
    title: str = Field(max_length=200)
    organiser_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    # The RRULE value (without "RRULE:"), expanded in `time_zone`; None for a single booking.
    rrule: str | None = Field(default=None, max_length=500)
    # The organisation's zone when the booking was made: a series keeps its wall-clock
    # time across daylight-saving changes in this zone.
    time_zone: str = Field(max_length=64)
    # The first occurrence as set up (DTSTART of the series) and each one's length.
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    duration_minutes: int
    location: str = Field(default="", max_length=300)
    video_url: str = Field(default="", max_length=500)
    agenda: str = Field(default="", sa_type=Text)
    # Self-booked by a practitioner from a coach's free slots (else set up by the organiser).
    self_booked: bool = Field(default=False)
    # iCalendar SEQUENCE: raised on every change attendees' calendars must take in.
    sequence: int = Field(default=0)
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class BookingParticipant(SQLModel, table=True):
    """Who takes part besides the organiser (who counts as a participant for clashes)."""

    __tablename__ = "booking_participant"
    __table_args__ = (Index("ix_booking_participant_user", "user_id", "booking_id"),)

    booking_id: uuid.UUID = Field(foreign_key="booking.id", primary_key=True, ondelete="CASCADE")
    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    organisation_id: uuid.UUID = organisation_field()


class BookingOccurrence(SQLModel, table=True):
    """One sitting of a booking: the only place a booking's times and status live."""

    __tablename__ = "booking_occurrence"
    __table_args__ = (
        UniqueConstraint("booking_id", "original_starts_at", name="uq_booking_occurrence_start"),
        # Range lists, clashes and the time report read occurrences by time.
        Index("ix_booking_occurrence_organisation_starts", "organisation_id", "starts_at"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    booking_id: uuid.UUID = Field(foreign_key="booking.id", index=True, ondelete="CASCADE")
    # Where the RRULE put it (the iCalendar RECURRENCE-ID); `starts_at` differs once moved.
    original_starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    starts_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    ends_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status: str = Field(default=BookingStatus.confirmed, max_length=20, index=True)
    # Raised when this occurrence alone changes (an iCalendar override's SEQUENCE).
    sequence: int = Field(default=0)
    cancelled_at: datetime | None = timestamp_field()
    cancelled_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    cancel_reason: str = Field(default="", max_length=2000)
    # Cancelled by the organisation (not by the practitioner): erodes ring-fenced time.
    cancelled_by_organisation: bool = Field(default=False)
    completed_at: datetime | None = timestamp_field()
    # Notes after the session; their actions become learning objectives in one step.
    notes: str = Field(default="", sa_type=Text)
    updated_at: datetime = created_at_field()


class BookingRecording(SQLModel, table=True):
    """A recording to review in the session."""

    __tablename__ = "booking_recording"

    booking_id: uuid.UUID = Field(foreign_key="booking.id", primary_key=True, ondelete="CASCADE")
    recording_id: uuid.UUID = Field(
        foreign_key="recording.id", primary_key=True, ondelete="CASCADE"
    )
    organisation_id: uuid.UUID = organisation_field()


class AvailabilityWindow(SQLModel, table=True):
    """A coach's weekly window for self-booking, in the organisation's time zone."""

    __tablename__ = "availability_window"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    coach_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    weekday: int  # 0 = Monday, as Python's date.weekday()
    start_time: time
    end_time: time
    valid_from: date | None = Field(default=None)
    valid_until: date | None = Field(default=None)


class AvailabilityException(SQLModel, table=True):
    """A day that differs from the weekly windows: away (no times: all day) or extra hours."""

    __tablename__ = "availability_exception"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    coach_user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    on_date: date = Field(index=True)
    available: bool = Field(default=False)
    start_time: time | None = Field(default=None)
    end_time: time | None = Field(default=None)
    note: str = Field(default="", max_length=300)


class CoachBookingRules(SQLModel, table=True):
    """How a coach's free slots are cut and limited."""

    __tablename__ = "coach_booking_rules"

    organisation_id: uuid.UUID = Field(
        foreign_key="organisation.id", primary_key=True, ondelete="CASCADE"
    )
    coach_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", primary_key=True, ondelete="CASCADE"
    )
    slot_minutes: int = Field(default=60)
    buffer_minutes: int = Field(default=15)
    max_per_day: int | None = Field(default=None)
    max_per_week: int | None = Field(default=None)
    min_notice_hours: int = Field(default=24)


class CalendarFeed(SQLModel, table=True):
    """A user's secret calendar feed: the URL carries the secret, the row its hash."""

    __tablename__ = "calendar_feed"

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    # The URL's secret is an HMAC of this random value under the app's secret key, so the
    # same URL can be shown again while the database alone never gives it away.
    secret_seed: str = Field(max_length=64)
    secret_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()

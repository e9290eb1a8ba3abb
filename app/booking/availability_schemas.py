"""Request and response shapes for coaches' availability, free slots and self-booking.

Times of day and dates are the organisation's wall-clock ("09:00" on a Monday there);
instants are ISO 8601 with an offset.
"""

import re
import uuid
from datetime import date, datetime, time
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from app.booking.schemas import Agenda, OffsetDateTime, Title
from app.schemas import IsoDate, JsonBool, JsonInt, StrictModel, Trimmed

HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _hh_mm_text(value: object) -> object:
    # Lax mode would read 3600 as 01:00 and take seconds, fractions or an offset.
    if isinstance(value, time) or (isinstance(value, str) and HH_MM.fullmatch(value)):
        return value
    raise ValueError("must be a time of day written HH:MM (00:00 to 23:59)")


WallTime = Annotated[
    time,
    BeforeValidator(_hh_mm_text),
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": f"^{HH_MM.pattern}$", "examples": ["09:00"]}),
]
"""A time of day on the organisation's clock, HH:MM."""


Weekday = Annotated[JsonInt, Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday.")]


class WindowInput(StrictModel):
    """A weekly window: every `weekday` from `start_time` to `end_time`, optionally only
    between `valid_from` and `valid_until` (dates, inclusive)."""

    weekday: Weekday
    start_time: WallTime
    end_time: WallTime
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class WindowRead(BaseModel):
    weekday: int
    start_time: WallTime
    end_time: WallTime
    valid_from: date | None
    valid_until: date | None


class RulesInput(StrictModel):
    """How free slots are cut and limited; a rule left out takes its default."""

    slot_minutes: Annotated[JsonInt, Field(ge=10, le=480, multiple_of=5)] = 60
    buffer_minutes: Annotated[
        JsonInt, Field(ge=0, le=240, description="Kept free before and after each session.")
    ] = 15
    max_per_day: Annotated[JsonInt, Field(ge=1, le=24)] | None = None
    max_per_week: Annotated[JsonInt, Field(ge=1, le=100)] | None = None
    min_notice_hours: Annotated[
        JsonInt, Field(ge=0, le=720, description="How long ahead a slot must be booked.")
    ] = 24


class RulesRead(BaseModel):
    slot_minutes: int
    buffer_minutes: int
    max_per_day: int | None
    max_per_week: int | None
    min_notice_hours: int


class AvailabilityUpdate(StrictModel):
    """Replaces every weekly window and the rules."""

    windows: list[WindowInput] = Field(max_length=50)
    rules: RulesInput


class AvailabilityRead(BaseModel):
    coach_user_id: uuid.UUID
    time_zone: str = Field(description="The organisation's zone: windows are on its clock.")
    windows: list[WindowRead]
    rules: RulesRead


Note = Annotated[str, StringConstraints(max_length=300), Trimmed]


class ExceptionCreate(StrictModel):
    """A day that differs from the weekly windows: away all day (no times), away some
    hours (`available` false with times) or extra hours (`available` true with times)."""

    on_date: IsoDate
    available: JsonBool = False
    start_time: WallTime | None = None
    end_time: WallTime | None = None
    note: Note = ""


class ExceptionRead(BaseModel):
    id: uuid.UUID
    coach_user_id: uuid.UUID
    on_date: date
    available: bool
    start_time: WallTime | None
    end_time: WallTime | None
    note: str


class SlotRead(BaseModel):
    """A free slot: the instants in UTC, and the same on the organisation's clock."""

    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime


class SelfBookingCreate(StrictModel):
    starts_at: OffsetDateTime = Field(description="The free slot's start, with its offset.")
    title: Title = "Coaching session"
    agenda: Agenda = ""

"""Request and response shapes for bookings and their occurrences."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from app.models import BookingKind
from app.review.objectives.schemas import ObjectiveCreate
from app.schemas import NOT_BLANK, StrictModel, Trimmed, UtcMoment, left_out


def _date_time_text(value: object) -> object:
    # Lax mode would read a number as seconds since 1970; JSON has no date-time but text.
    if isinstance(value, datetime | str):
        return value
    raise ValueError("must be an ISO 8601 date-time with an offset, e.g. 2027-03-01T10:00:00Z")


# A moment as JSON Schema's `format: date-time` writes it: an offset is required (a time
# without one is ambiguous across zones and daylight saving), and refused with 422.
OffsetDateTime = Annotated[UtcMoment, BeforeValidator(_date_time_text)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK), Trimmed]
Location = Annotated[str, StringConstraints(max_length=300), Trimmed]
VideoUrl = Annotated[
    str, StringConstraints(max_length=500, pattern=r"^(https?://[^ \t\n\r\f\v]+)?$"), Trimmed
]
Agenda = Annotated[str, StringConstraints(max_length=20_000)]
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=NOT_BLANK), Trimmed
]
Notes = Annotated[str, StringConstraints(max_length=20_000)]
RRule = Annotated[str, StringConstraints(min_length=1, max_length=500)]
People = Annotated[list[uuid.UUID], Field(max_length=100)]
Recordings = Annotated[list[uuid.UUID], Field(max_length=20)]


class BookingCreate(StrictModel):
    kind: BookingKind
    title: Title
    starts_at: OffsetDateTime
    ends_at: OffsetDateTime
    participant_user_ids: People = Field(
        description="Who takes part besides the organiser (the caller)."
    )
    rrule: RRule | None = Field(
        default=None,
        description="An RRULE value, e.g. FREQ=WEEKLY;INTERVAL=2;COUNT=12 (a leading RRULE: is "
        "accepted): it must end (COUNT or UNTIL), at most 200 occurrences within two years, "
        "expanded at the same wall-clock time in the organisation's zone.",
    )
    agenda: Agenda = ""
    location: Location = ""
    video_url: VideoUrl = ""
    recording_ids: Recordings = Field(default_factory=list)
    status: Literal["proposed", "confirmed"] = "confirmed"


class BookingUpdate(StrictModel):
    """Fields left out keep their value. With `occurrence_start` (that occurrence's
    original start) the change concerns that occurrence (`scope` "this", the default: its
    times only) or it and the rest of the series (`scope` "following": the series is
    split); without it, the whole booking."""

    title: Title = left_out()
    agenda: Agenda = left_out()
    location: Location = left_out()
    video_url: VideoUrl = left_out()
    participant_user_ids: People = left_out()
    starts_at: OffsetDateTime = left_out()
    ends_at: OffsetDateTime = left_out()
    occurrence_start: OffsetDateTime | None = None
    scope: Literal["this", "following"] | None = None


class CancelRequest(StrictModel):
    reason: Reason
    occurrence_start: OffsetDateTime | None = None
    scope: Literal["this", "following"] | None = None


class OccurrenceRequest(StrictModel):
    occurrence_start: OffsetDateTime | None = None


class CompleteRequest(OccurrenceRequest):
    notes: Notes | None = None


class NotesRequest(OccurrenceRequest):
    notes: Annotated[str, StringConstraints(min_length=1, max_length=20_000, pattern=NOT_BLANK)]
    actions: list[ObjectiveCreate] = Field(
        default_factory=list,
        max_length=20,
        description="Each becomes a learning objective for a practitioner taking part, with "
        "the objectives' own rules (who may set them, criteria, target date).",
    )


class Person(BaseModel):
    id: uuid.UUID
    name: str


class RecordingRef(BaseModel):
    id: uuid.UUID
    title: str


class OccurrenceRead(BaseModel):
    id: uuid.UUID
    original_starts_at: datetime = Field(description="Where the series put it (RECURRENCE-ID).")
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime = Field(description="starts_at in the organisation's zone.")
    local_ends_at: datetime
    status: str
    sequence: int
    cancelled_at: datetime | None
    cancelled_by_user_id: uuid.UUID | None
    cancel_reason: str
    cancelled_by_organisation: bool = Field(
        description="Cancelled by the organiser or staff rather than a practitioner taking "
        "part: erodes the practitioner's ring-fenced time."
    )
    completed_at: datetime | None
    notes: str


class BookingFields(BaseModel):
    kind: str
    title: str
    organiser: Person
    participants: list[Person]
    rrule: str | None
    is_series: bool
    time_zone: str
    location: str
    video_url: str
    agenda: str
    self_booked: bool


class BookingRead(BookingFields):
    id: uuid.UUID
    organisation_id: uuid.UUID
    starts_at: datetime = Field(description="The series' first start as set up (DTSTART).")
    duration_minutes: int
    sequence: int
    created_at: datetime
    updated_at: datetime
    recordings: list[RecordingRef] = Field(description="The ones the reader may see.")
    occurrences: list[OccurrenceRead]


class OccurrenceItem(BookingFields):
    """One occurrence in a list, with what its booking says."""

    id: uuid.UUID = Field(description="The occurrence's id.")
    booking_id: uuid.UUID
    original_starts_at: datetime
    starts_at: datetime
    ends_at: datetime
    local_starts_at: datetime
    local_ends_at: datetime
    status: str
    recording_count: int


class NotesSaved(BaseModel):
    occurrence_id: uuid.UUID
    notes: str
    objective_ids: list[uuid.UUID]

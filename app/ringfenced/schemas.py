"""Request and response shapes for allocations, logged time, sign-offs and the time report."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.models import AllocationPeriod, TimeCategory
from app.schemas import NOT_BLANK, IsoDate, JsonInt, StrictModel, Trimmed, left_out

MINUTES_IN_DAY = 24 * 60
MAX_ALLOCATION_MINUTES = {
    AllocationPeriod.week: 7 * MINUTES_IN_DAY,
    AllocationPeriod.month: 31 * MINUTES_IN_DAY,
}
"""An allocation cannot ring-fence more time than its period holds."""

AllocationMinutes = Annotated[
    JsonInt, Field(ge=1, le=MAX_ALLOCATION_MINUTES[AllocationPeriod.month])
]
EntryMinutes = Annotated[JsonInt, Field(ge=1, le=MINUTES_IN_DAY)]
Note = Annotated[str, StringConstraints(max_length=500), Trimmed]
Reason = Annotated[
    str, StringConstraints(min_length=1, max_length=2000, pattern=NOT_BLANK), Trimmed
]


class AllocationCreate(StrictModel):
    practitioner_user_id: uuid.UUID
    category: TimeCategory
    minutes: AllocationMinutes = Field(description="Minutes ring-fenced per `period`.")
    period: AllocationPeriod
    effective_from: IsoDate
    effective_until: IsoDate | None = Field(
        default=None, description="The last day it applies (included); none: open-ended."
    )


class AllocationUpdate(StrictModel):
    """Fields left out keep their value; send effective_until as null to make it open-ended."""

    minutes: AllocationMinutes = left_out()
    period: AllocationPeriod = left_out()
    effective_from: IsoDate = left_out()
    effective_until: IsoDate | None = None


class AllocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    practitioner_user_id: uuid.UUID
    category: TimeCategory
    minutes: int
    period: AllocationPeriod
    effective_from: date
    effective_until: date | None
    set_by_user_id: uuid.UUID | None
    created_at: datetime


class TimeEntryCreate(StrictModel):
    practitioner_user_id: uuid.UUID | None = Field(
        default=None, description="Whose time; the caller's own when left out."
    )
    category: TimeCategory
    on_date: IsoDate = Field(description="The day, in the organisation's time zone.")
    minutes: EntryMinutes
    note: Note = ""


class TimeEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    practitioner_user_id: uuid.UUID
    category: TimeCategory
    on_date: date
    minutes: int
    note: str
    created_by_user_id: uuid.UUID | None
    created_at: datetime


class SignOffCreate(StrictModel):
    practitioner_user_id: uuid.UUID
    period_start: IsoDate
    period_end: IsoDate = Field(description="The last day signed off (included).")


class SignOffReopen(StrictModel):
    reason: Reason


class SignOffRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    practitioner_user_id: uuid.UUID
    period_start: date
    period_end: date
    signed_by_user_id: uuid.UUID | None
    signed_at: datetime
    reopened_at: datetime | None
    reopened_by_user_id: uuid.UUID | None
    reopen_reason: str


class TimeReportRow(BaseModel):
    """One practitioner's time in one category over the report's days."""

    practitioner_user_id: uuid.UUID
    practitioner_name: str
    category: TimeCategory
    allocated_minutes: int = Field(
        description="Each allocation prorated over the days it covers: a weekly one "
        "minutes/7 a day, a monthly one minutes/(days in that month) a day; rounded."
    )
    scheduled_minutes: int = Field(description="Confirmed sessions still to come.")
    used_minutes: int = Field(description="Completed sessions and logged time.")
    remaining_minutes: int = Field(description="Allocated - used - scheduled, never below 0.")
    utilisation_percent: float | None = Field(
        description="Used / allocated x 100, to one decimal; null when nothing is allocated."
    )
    cancelled_by_organisation_minutes: int = Field(
        description="Sessions the organisation cancelled: time taken away."
    )
    below_tolerance: bool = Field(
        description="The days have ended and used time stayed under the organisation's "
        "time_tolerance_percent of allocated."
    )
    eroded: bool = Field(description="Cancelled by the organisation, or below tolerance.")


class TimeGroupRow(BaseModel):
    """A team's (or the organisation's) time in one category over the report's days:
    the sums of its practitioners' rows."""

    group_by: str = Field(description="supervisor or organisation.")
    group_id: uuid.UUID | None = Field(
        description="The supervisor's user id, or the organisation's id; null for "
        "practitioners nobody supervises."
    )
    group_name: str | None = Field(description="The supervisor's or organisation's name.")
    category: TimeCategory
    practitioners: int = Field(
        description="Practitioners with anything in this category. A practitioner with "
        "two supervisors counts in both teams."
    )
    allocated_minutes: int
    scheduled_minutes: int
    used_minutes: int
    remaining_minutes: int = Field(description="The practitioners' remaining minutes, summed.")
    utilisation_percent: float | None = Field(
        description="Used / allocated x 100 over the group, to one decimal; null when "
        "nothing is allocated."
    )
    cancelled_by_organisation_minutes: int
    eroded_practitioners: int = Field(description="Practitioners whose time here is eroded.")


class ErodedPractitioner(BaseModel):
    """A practitioner whose ring-fenced time is being eroded, with each eroded category."""

    practitioner_user_id: uuid.UUID
    practitioner_name: str
    cancelled_by_organisation_minutes: int
    categories: list[TimeReportRow]

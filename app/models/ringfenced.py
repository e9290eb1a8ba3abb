"""Ring-fenced time: allocations per practitioner and category, time logged outside
bookings, and periods a supervisor has signed off."""

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class TimeCategory(enum.StrEnum):
    supervision = "supervision"
    coaching = "coaching"
    planning = "planning"
    training = "training"


class AllocationPeriod(enum.StrEnum):
    week = "week"
    month = "month"


class TimeAllocation(SQLModel, table=True):
    """Minutes per week or month of one category ring-fenced for a practitioner, from
    `effective_from` to `effective_until` (both inclusive; open-ended when None)."""

    __tablename__ = "time_allocation"
    __table_args__ = (
        Index("ix_time_allocation_practitioner", "organisation_id", "practitioner_user_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    practitioner_user_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    category: str = Field(max_length=20)
    minutes: int
    period: str = Field(max_length=10)
    effective_from: date
    effective_until: date | None = Field(default=None)
    set_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class TimeEntry(SQLModel, table=True):
    """Time a practitioner logged outside bookings (planning, self-study)."""

    __tablename__ = "time_entry"
    __table_args__ = (
        Index(
            "ix_time_entry_practitioner_date", "organisation_id", "practitioner_user_id", "on_date"
        ),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    practitioner_user_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    category: str = Field(max_length=20)
    on_date: date
    minutes: int
    note: str = Field(default="", max_length=500)
    created_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class TimeSignOff(SQLModel, table=True):
    """A supervisor confirmed a practitioner's time for a period: locked until reopened."""

    __tablename__ = "time_sign_off"
    __table_args__ = (
        Index("ix_time_sign_off_practitioner", "organisation_id", "practitioner_user_id"),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    practitioner_user_id: uuid.UUID = Field(foreign_key="user_account.id", ondelete="CASCADE")
    period_start: date
    period_end: date
    signed_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    signed_at: datetime = created_at_field()
    reopened_at: datetime | None = timestamp_field()
    reopened_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    reopen_reason: str = Field(default="", max_length=2000)

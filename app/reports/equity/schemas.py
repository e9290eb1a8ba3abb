"""The equity report's answer: one row per group of practitioners, and the whole."""

import uuid
from datetime import date

from pydantic import BaseModel, Field


class EquityFigures(BaseModel):
    """What a group of practitioners received in the period, and per practitioner."""

    practitioners: int
    bookings_completed: int = Field(
        description="Completed sittings of sessions of any kind that started in the period, "
        "counted once per practitioner of the group taking part (a group session with "
        "three of them counts three)."
    )
    booking_minutes: int = Field(description="Their minutes, counted the same way.")
    coaching_sessions: int = Field(
        description="Of those, coaching and fidelity assessment sittings."
    )
    practitioners_coached: int = Field(
        description="Practitioners with at least one coaching session."
    )
    observations: int = Field(
        description="Counted observations of their recordings submitted in the period (one "
        "per recording and programme; none the caller rates blind)."
    )
    practitioners_rated: int = Field(
        description="Practitioners with at least one counted observation."
    )
    bookings_per_practitioner: float | None = Field(description="To two decimal places.")
    booking_minutes_per_practitioner: float | None
    coaching_sessions_per_practitioner: float | None
    observations_per_practitioner: float | None
    coached_percent: float | None = Field(
        description="Practitioners coached, in percent of the group, to one decimal place."
    )
    rated_percent: float | None = Field(
        description="Practitioners rated, in percent of the group, to one decimal place."
    )


class EquityGroup(BaseModel):
    """Which practitioners: those holding one value of the attribute (or none)."""

    attribute: str
    value: str | None = Field(
        description="The attribute's value; for `team`, the supervisor's name. Null: the "
        "practitioners without it (not set, or nobody supervising them)."
    )
    supervisor_user_id: uuid.UUID | None = Field(
        description="For `team`: the supervisor the row is about; otherwise null."
    )


class EquityRow(EquityFigures, EquityGroup):
    """One group and its figures (the group's fields come first)."""


class EquityReport(BaseModel):
    first_day: date = Field(description="The period's first day (`from`).")
    last_day: date = Field(description="The period's last day (`to`).")
    attribute: str
    rows: list[EquityRow] = Field(
        description="Every group, by value (the not-set group last). With `team`, a "
        "practitioner with two supervisors counts in both teams."
    )
    overall: EquityFigures = Field(description="Every practitioner the report counts, each once.")

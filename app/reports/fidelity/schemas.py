"""The fidelity report's answer: rows by the grouping asked for, the monthly trend and
the weakest criteria. Figures only: no evidence, no media, nothing about families."""

import enum
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class FidelityGrouping(enum.StrEnum):
    organisation = "organisation"
    supervisor = "supervisor"
    coach = "coach"
    practitioner = "practitioner"
    observation = "observation"


GROUPS_OF_PEOPLE = (FidelityGrouping.supervisor, FidelityGrouping.coach)
"""Groupings made of assignments: a practitioner belongs to each of their supervisors
(coaches), and to none."""


class FidelityGroupRow(BaseModel):
    """One group's observations of one programme submitted in the period, and the current
    status of the practitioners observed."""

    group_id: uuid.UUID | None = Field(
        description="The organisation's id (by=organisation), the supervisor's or coach's "
        "user id, or the practitioner's (by=practitioner). Null by supervisor (coach): the "
        "practitioners nobody supervises (coaches) now. A practitioner with two supervisors "
        "(coaches) is counted under both, so rows may add up to more than the organisation."
    )
    group_name: str | None = Field(description="The organisation's or the person's name.")
    programme_id: uuid.UUID
    programme_name: str
    practitioners: int = Field(
        description="Practitioners with at least one counted observation in the period."
    )
    observations: int = Field(
        description="Counted observations submitted in the period: one per recording (a "
        "double-coded recording counts once: gold standard, else primary rater, else the "
        "earliest), all-N/A ones left out."
    )
    mean_weighted_percent: float = Field(
        description="Mean weighted percent of those observations (each observation weighs "
        "the same)."
    )
    meeting_fidelity_percent: float = Field(
        description="Share of those observations meeting the fidelity rule, in percent."
    )
    drift_practitioners: int = Field(
        description="Of the practitioners counted, those flagged for drift now (over all "
        "their counted observations, whatever the period)."
    )
    certified_practitioners: int = Field(description="Of them, those certified now.")
    recertification_due_practitioners: int = Field(
        description="Of them, those whose latest certification lapses within the next 30 "
        "days or has already lapsed (never certified: not counted)."
    )


class FidelityPractitionerRow(FidelityGroupRow):
    """One practitioner's observations of one programme in the period, and their own
    current status."""

    drift: bool = Field(description="Flagged for drift now.")
    certified: bool = Field(description="Certified now.")
    certified_at: datetime | None = Field(
        description="When the latest run of passes reached the number required."
    )
    recertification_due_at: datetime | None = Field(
        description="When that certification lapses (certified_at + recertification_days)."
    )


class FidelityObservationRow(BaseModel):
    """One counted observation submitted in the period: the raw figures to analyse."""

    observation_id: uuid.UUID
    submitted_at: datetime
    practitioner_user_id: uuid.UUID
    practitioner_name: str
    rater_user_id: uuid.UUID
    rater_name: str
    programme_id: uuid.UUID
    programme_name: str
    weighted_percent: float
    meets_fidelity: bool


class FidelityTrendPoint(BaseModel):
    """A programme's counted observations in one month of the period (the organisation's
    months); months without any are here too, for a continuous axis."""

    programme_id: uuid.UUID
    programme_name: str
    month: str = Field(description="YYYY-MM.")
    observations: int
    mean_weighted_percent: float | None = Field(description="Null without observations.")
    meeting_fidelity_percent: float | None = Field(description="Null without observations.")


class WeakCriterion(BaseModel):
    """A criterion of a programme across the counted observations of the period, N/A
    scores left out. Criteria are matched by code across the programme's rubric versions."""

    programme_id: uuid.UUID
    programme_name: str
    rank: int = Field(description="1 is the weakest of the programme.")
    criterion_code: str
    criterion_title: str = Field(
        description="As the newest published version of the programme's rubric having the "
        "code words it."
    )
    scores: int = Field(description="Levels given (N/A left out).")
    mean_level_percent: float = Field(
        description="Mean level relative to its rubric version's scale: 0 the lowest "
        "level, 100 the highest."
    )
    below_minimum_percent: float | None = Field(
        description="Share of the scores below the criterion's minimum level, of those "
        "where it sets one; null when it sets none."
    )


class _FidelityReport(BaseModel):
    first_day: date = Field(description="The period's first day (included).")
    last_day: date = Field(description="The period's last day (included).")
    trend: list[FidelityTrendPoint] = Field(
        description="Per programme with observations in the period, every month of it."
    )
    weakest_criteria: list[WeakCriterion] = Field(
        description="Per programme, at most 5 criteria, the weakest first: lowest mean "
        "level, then most often below the minimum, then by code."
    )


class FidelityGroupReport(_FidelityReport):
    by: Literal["organisation", "supervisor", "coach"]
    rows: list[FidelityGroupRow] = Field(
        description="A page of rows by group then programme (by name, then id); the group "
        "of nobody (null) last."
    )


class FidelityPractitionerReport(_FidelityReport):
    by: Literal["practitioner"]
    rows: list[FidelityPractitionerRow] = Field(
        description="A page of rows by practitioner then programme (by name, then id)."
    )


class FidelityObservationReport(_FidelityReport):
    by: Literal["observation"]
    rows: list[FidelityObservationRow] = Field(
        description="A page of counted observations, oldest first."
    )


FidelityReport = Annotated[
    FidelityGroupReport | FidelityPractitionerReport | FidelityObservationReport,
    Field(discriminator="by"),
]

FidelityRow = FidelityGroupRow | FidelityPractitionerRow | FidelityObservationRow

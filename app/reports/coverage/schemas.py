"""The coverage report's answer: one row per practitioner and a summary."""

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class CoverageRow(BaseModel):
    """One practitioner: what they received in the period and lately, and, for champions,
    what they gave."""

    practitioner_user_id: uuid.UUID
    practitioner_name: str
    is_champion: bool
    rated_recordings: int = Field(
        description="Their recordings with a counted observation submitted in the period."
    )
    coaching_sessions: int = Field(
        description="Completed coaching and fidelity assessment sittings they took part in, "
        "starting in the period."
    )
    last_rated_at: datetime | None = Field(
        description="When their latest counted observation was submitted, up to the end of "
        "the period (earlier than the period too); null: never."
    )
    last_coaching_at: datetime | None = Field(
        description="When their latest completed coaching session started, up to the end of "
        "the period; null: never."
    )
    no_rating_in_weeks: bool = Field(
        description="No counted observation submitted in the last `weeks` weeks."
    )
    no_coaching_in_weeks: bool = Field(
        description="No completed coaching session started in the last `weeks` weeks."
    )
    meets_target: bool = Field(description="At least `target` rated recordings in the period.")
    recordings_uploaded: int | None = Field(
        description="Champions: recordings they finished uploading in the period (null for "
        "other practitioners)."
    )
    comments_written: int | None = Field(
        description="Champions: comments and replies they wrote in the period, not deleted "
        "(null for other practitioners)."
    )
    reflections_shared: int | None = Field(
        description="Champions: reflections on their own recordings they shared in the "
        "period (null for other practitioners)."
    )


class CoverageSummary(BaseModel):
    """Every practitioner the report counts, whatever the page."""

    practitioners: int
    without_rating: int = Field(description="Practitioners with no rating in the last weeks.")
    without_coaching: int = Field(
        description="Practitioners with no coaching session in the last weeks."
    )
    meeting_target: int = Field(description="Practitioners with `target` rated recordings.")
    meeting_target_percent: float | None = Field(
        description="Their share of the practitioners, to one decimal place; null: none."
    )
    champions: int


class CoverageReport(BaseModel):
    first_day: date = Field(description="The period's first day (`from`).")
    last_day: date = Field(description="The period's last day (`to`).")
    weeks: int
    weeks_first_day: date = Field(
        description="The first of the `weeks` × 7 days that end with `last_day`: the last "
        "weeks (they may start before the period)."
    )
    target: int
    summary: CoverageSummary
    rows: list[CoverageRow] = Field(
        description="One page of practitioners, by name (`limit`, `offset`)."
    )

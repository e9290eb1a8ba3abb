"""The turnaround report's shape: one row per coach, and a summary row for everyone."""

import uuid
from datetime import date

from pydantic import BaseModel, Field

NEAREST_RANK = (
    " Nearest rank: the duration at rank ceil(p x n) of the n in order, shortest first"
    " (one that actually happened); hours to one decimal; null when there are none."
)


class TurnaroundRow(BaseModel):
    """How fast one coach (or, on the summary row, anyone) answered the recordings
    uploaded within the report's days."""

    coach_user_id: uuid.UUID | None = Field(
        description="The reviewer: a coach, or anyone else who commented or scored (a "
        "second rater, a lead). Null on the summary row, which is about everyone in the "
        "report's scope and counts each recording's first answer by anyone."
    )
    coach_name: str | None = Field(description="Null on the summary row.")
    recordings_uploaded: int = Field(
        description="Recordings whose upload completed within the days: on the summary "
        "row all in scope; on a coach's row those of the practitioners they coach now."
    )
    recordings_commented: int = Field(
        description="Recordings the reviewer commented on (threads and replies the "
        "practitioner can see; never the practitioner's own comments)."
    )
    first_comment_median_hours: float | None = Field(
        description="Median hours from upload to the reviewer's first comment." + NEAREST_RANK
    )
    first_comment_p90_hours: float | None = Field(
        description="90th percentile of the same hours." + NEAREST_RANK
    )
    recordings_observed: int = Field(
        description="Recordings the reviewer submitted an observation of (drafts do not count)."
    )
    observation_median_hours: float | None = Field(
        description="Median hours from upload to the reviewer's first submitted "
        "observation." + NEAREST_RANK
    )
    observation_p90_hours: float | None = Field(
        description="90th percentile of the same hours." + NEAREST_RANK
    )
    waiting_for_comment: int = Field(
        description="Of recordings_uploaded, those nobody has commented on yet (erased "
        "recordings wait for nobody)."
    )
    waiting_for_comment_over_7_days: int = Field(
        description="Of those, uploaded more than 7 days ago."
    )
    waiting_for_observation: int = Field(
        description="Of recordings_uploaded, those nobody has submitted an observation of yet."
    )
    waiting_for_observation_over_7_days: int = Field(
        description="Of those, uploaded more than 7 days ago."
    )


class TurnaroundReport(BaseModel):
    first_day: date = Field(description="First day (organisation's zone) of uploads counted.")
    last_day: date = Field(description="Last day (included).")
    rows: list[TurnaroundRow] = Field(
        description="The summary row first, then one row per reviewer by name. Answers "
        "count whenever they came, also after the last day."
    )

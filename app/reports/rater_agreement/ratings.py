"""The observations the agreement report compares: submitted observations of
double-coded recordings that the reader's report may count.

Double coded: two or more submitted observations of the recording on the same rubric
version. Only those observations are paired and read for their scores (a few in a hundred
are double coded, and each has a score per criterion). That first cut looks at
submissions alone; which of them the reader may count is decided per observation, and
only observations the reader may count are paired, so a cut too wide never shows
anything.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, and_, func, select, tuple_
from sqlmodel import col

from app.access.figures import reportable_observations
from app.access.members import Member
from app.access.reports import PractitionerCondition
from app.models import Observation, RubricVersion
from app.models.review import ObservationStatus
from app.reports.period import DateRange
from app.reports.sql import months_of


@dataclass(frozen=True)
class AgreementQuery:
    member: Member
    days: DateRange
    practitioners: PractitionerCondition
    programme_id: uuid.UUID | None
    rubric_id: uuid.UUID | None


def coded_observations(query: AgreementQuery) -> CTE:
    """The double-coded observations the reader may count, each with its rubric (and
    version) and the month (organisation's zone) it was submitted in: null outside the
    days, where an observation is only ever the other side of a pair."""
    member = query.member
    months = months_of(query.days)
    submitted_at = col(Observation.submitted_at)
    practitioner: Any = Observation.practitioner_user_id  # a column expression too
    columns: list[Any] = [
        col(Observation.id).label("observation_id"),
        col(Observation.recording_id).label("recording_id"),
        col(Observation.rubric_version_id).label("rubric_version_id"),
        col(Observation.rater_user_id).label("rater_user_id"),
        submitted_at.label("submitted_at"),
        col(Observation.is_gold_standard).label("is_gold_standard"),
        months.c.month,
        col(RubricVersion.rubric_id).label("rubric_id"),
    ]
    statement: Select[Any] = (
        select(*columns)
        .select_from(Observation)
        .join(RubricVersion, col(RubricVersion.id) == col(Observation.rubric_version_id))
        .outerjoin(
            months, and_(months.c.starts_at <= submitted_at, submitted_at < months.c.ends_at)
        )
        .where(
            tuple_(col(Observation.recording_id), col(Observation.rubric_version_id)).in_(
                _double_coded(member)
            ),
            reportable_observations(member),
            query.practitioners(practitioner),
        )
    )
    if query.programme_id is not None:
        statement = statement.where(col(Observation.programme_id) == query.programme_id)
    if query.rubric_id is not None:
        statement = statement.where(col(RubricVersion.rubric_id) == query.rubric_id)
    return statement.cte("coded_observation")


def _double_coded(member: Member) -> Select[uuid.UUID, uuid.UUID]:
    """(recording, rubric version) with two or more submitted observations. GROUP BY, not
    a window: SQLite plans no index for a self-join of rows that came through a window
    function, and the pairs would be found by comparing every observation with every other."""
    recording, version = col(Observation.recording_id), col(Observation.rubric_version_id)
    return (
        select(recording, version)
        .where(
            col(Observation.organisation_id) == member.organisation_id,
            col(Observation.status) == ObservationStatus.submitted,
        )
        .group_by(recording, version)
        .having(func.count() > 1)
    )

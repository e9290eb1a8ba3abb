"""The ratings the agreement report compares: each level a rater gave a criterion of a
double-coded recording, from submitted observations the reader's report may count.

Double coded: two or more submitted observations of the recording on the same rubric
version. Only those observations are read for their scores (a few in a hundred are double
coded, and each has a score per criterion). That first cut looks at submissions alone;
which of them the reader may count is decided per rating, and only ratings the reader may
count are paired, so a cut too wide never shows anything.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CTE, Select, and_, func, select, tuple_
from sqlmodel import col

from app.access.members import Member
from app.access.reports import PractitionerCondition
from app.models import Observation, ObservationScore, RubricVersion
from app.models.review import ObservationStatus
from app.reports.period import DateRange
from app.reports.sql import months_of
from app.reports.turnaround.visible import reportable_observations


@dataclass(frozen=True)
class AgreementQuery:
    member: Member
    days: DateRange
    practitioners: PractitionerCondition
    programme_id: uuid.UUID | None
    rubric_id: uuid.UUID | None


def ratings(query: AgreementQuery) -> CTE:
    """(observation, recording, rater, submitted_at, month, rubric, criterion, level); N/A
    and unscored criteria left out. `month`: the organisation's month the observation was
    submitted in, null outside the days (such a rating is only ever the other side of a
    pair)."""
    member = query.member
    months = months_of(query.days)
    level = col(ObservationScore.level)
    practitioner: Any = Observation.practitioner_user_id  # a column expression too
    columns: list[Any] = [
        col(Observation.id).label("observation_id"),
        col(Observation.recording_id).label("recording_id"),
        col(Observation.rater_user_id).label("rater_user_id"),
        col(Observation.submitted_at).label("submitted_at"),
        _month_of(months, col(Observation.submitted_at)).label("month"),
        col(RubricVersion.rubric_id).label("rubric_id"),
        col(ObservationScore.criterion_id).label("criterion_id"),
        level.label("level"),
    ]
    statement: Select[Any] = (
        select(*columns)
        .select_from(Observation)
        .join(RubricVersion, col(RubricVersion.id) == col(Observation.rubric_version_id))
        .join(ObservationScore, col(ObservationScore.observation_id) == col(Observation.id))
        .where(
            tuple_(col(Observation.recording_id), col(Observation.rubric_version_id)).in_(
                _double_coded(member)
            ),
            reportable_observations(member),
            query.practitioners(practitioner),
            col(ObservationScore.organisation_id) == member.organisation_id,
            level.is_not(None),
            col(ObservationScore.not_applicable).is_(False),
        )
    )
    if query.programme_id is not None:
        statement = statement.where(col(Observation.programme_id) == query.programme_id)
    if query.rubric_id is not None:
        statement = statement.where(col(RubricVersion.rubric_id) == query.rubric_id)
    return statement.cte("rating")


def _month_of(months: CTE, instant: Any) -> Any:
    """The report's month an instant falls in, or null. A lookup, not a join: a join
    would let SQLite plan the ratings from every score of the organisation."""
    within = and_(months.c.starts_at <= instant, instant < months.c.ends_at)
    return select(months.c.month).where(within).scalar_subquery()


def _double_coded(member: Member) -> Select[uuid.UUID, uuid.UUID]:
    """(recording, rubric version) with two or more submitted observations. GROUP BY, not
    a window: SQLite plans no index for a self-join of rows that came through a window
    function, and the pairs would be found by comparing every rating with every other."""
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

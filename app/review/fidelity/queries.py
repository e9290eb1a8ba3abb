"""The fidelity aggregation in SQL: window functions over the counted observations, then
one row per practitioner and programme. Runs the same on SQLite (3.25+) and PostgreSQL.

Certification uses gaps and islands: a running count of failed observations numbers the
runs of passes between failures; the pass at position `certification_passes` within its
run is the moment a practitioner was certified (the latest such moment counts).
"""

import uuid
from collections.abc import Callable, Collection, Sequence

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, select
from sqlmodel import col

from app.access.members import OrganisationId
from app.models import ReviewSettings, RubricVersion
from app.review.counting import counted_observations
from app.review.settings.service import setting_column

Condition = Callable[[Subquery], ColumnElement[bool]]
"""A filter on the counted observations (their columns are given at call time)."""

PARAMETERS = (
    "rolling_window",
    "drift_consecutive_below",
    "drift_window",
    "drift_drop_points",
    "certification_passes",
    "recertification_days",
)


def ordered_observations(
    organisation_id: OrganisationId, *, conditions: Sequence[Condition]
) -> Subquery:
    """Counted observations numbered newest first (rn) with the running count of failures."""
    counted = counted_observations(organisation_id)
    group = (counted.c.practitioner_user_id, counted.c.programme_id)
    failed = case((counted.c.meets_fidelity, 0), else_=1)
    statement = (
        select(
            *counted.c,
            col(RubricVersion.fidelity_threshold_percent).label("threshold"),
            func.row_number()
            .over(partition_by=group, order_by=(counted.c.submitted_at.desc(), counted.c.id))
            .label("rn"),
            func.sum(failed)
            .over(
                partition_by=group,
                order_by=(counted.c.submitted_at, counted.c.id),
                rows=(None, 0),
            )
            .label("failures_so_far"),
            *(setting_column(name).label(name) for name in PARAMETERS),
        )
        .join(RubricVersion, col(RubricVersion.id) == counted.c.rubric_version_id)
        .outerjoin(ReviewSettings, col(ReviewSettings.programme_id) == counted.c.programme_id)
        .where(*(condition(counted) for condition in conditions))
    )
    return statement.subquery("ordered_observations")


def _with_streaks(ordered: Subquery) -> Subquery:
    streak_position = func.row_number().over(
        partition_by=(
            ordered.c.practitioner_user_id,
            ordered.c.programme_id,
            ordered.c.failures_so_far,
            ordered.c.meets_fidelity,
        ),
        order_by=(ordered.c.submitted_at, ordered.c.id),
    )
    return select(*ordered.c, streak_position.label("streak_position")).subquery("streaks")


def _when(condition: ColumnElement[bool], value: ColumnElement[object]) -> ColumnElement[object]:
    return case((condition, value))


def status_query(ordered: Subquery) -> Select[tuple[object, ...]]:
    """One row per practitioner and programme with everything the status is made of, by
    programme then practitioner (ids: a stable order to page through)."""
    rows = _with_streaks(ordered)
    c = rows.c
    latest = c.rn == 1
    passed = case((c.meets_fidelity, 1), else_=0)
    in_recent = c.rn <= c.drift_window
    in_previous = and_(c.rn > c.drift_window, c.rn <= 2 * c.drift_window)
    statement = select(
        c.practitioner_user_id,
        c.programme_id,
        func.count().label("observations"),
        func.max(_when(latest, c.threshold)).label("threshold"),
        func.avg(_when(c.rn <= c.rolling_window, c.weighted_percent)).label("rolling_percent"),
        func.sum(_when(c.rn <= c.drift_consecutive_below, 1 - passed)).label("recent_failures"),
        func.avg(_when(in_recent, c.weighted_percent)).label("recent_mean"),
        func.count(_when(in_recent, c.id)).label("recent_count"),
        func.avg(_when(in_previous, c.weighted_percent)).label("previous_mean"),
        func.count(_when(in_previous, c.id)).label("previous_count"),
        func.min(_when(passed == 0, c.rn)).label("first_failure_rn"),
        func.max(
            _when(and_(passed == 1, c.streak_position == c.certification_passes), c.submitted_at)
        ).label("certified_at"),
        *(getattr(c, name) for name in PARAMETERS),
    ).group_by(c.practitioner_user_id, c.programme_id, *(getattr(c, name) for name in PARAMETERS))
    return statement.order_by(c.programme_id, c.practitioner_user_id)


def latest_query(
    ordered: Subquery, *, practitioners: Collection[uuid.UUID]
) -> Select[tuple[object, ...]]:
    """The latest observations in the rolling window of these practitioners."""
    c = ordered.c
    return (
        select(
            c.practitioner_user_id,
            c.programme_id,
            c.id,
            c.recording_id,
            c.submitted_at,
            c.weighted_percent,
            c.meets_fidelity,
        )
        .where(c.rn <= c.rolling_window, c.practitioner_user_id.in_(practitioners))
        .order_by(c.practitioner_user_id, c.programme_id, c.rn)
    )

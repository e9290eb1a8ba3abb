"""The fidelity aggregation in SQL: window functions over the counted observations, then
one row per practitioner and programme. Runs the same on SQLite (3.25+) and PostgreSQL.

Certification: a pass's position within its run of passes is how many places it comes
after the latest failure before it (or after the start); the pass at position
`certification_passes` within its run is the moment a practitioner was certified (the
latest such moment counts).

The rules themselves (drift, and whether a certification still holds) are SQL expressions
here, written once: the `/fidelity` route and the fidelity report both read them.
"""

import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    FromClause,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col

from app.access.members import OrganisationId
from app.models import ReviewSettings, RubricVersion
from app.models.base import UTCDateTime
from app.review.counting import counted_observations
from app.review.settings.service import setting_column

Condition = Callable[[FromClause], ColumnElement[bool]]
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
    """Counted observations numbered oldest first (position) and newest first (rn)."""
    return ordered_from(counted_observations(organisation_id), conditions=conditions)


def ordered_from(counted: FromClause, *, conditions: Sequence[Condition] = ()) -> Subquery:
    """The same over counted observations already chosen (columns of `counted_observations`):
    the fidelity report reads one set of them for the status and for its period.

    Every window here, and the streaks' in `_with_streaks`, shares one order (oldest
    first) and so one sort: newest first is counted back from the number of
    observations. A window of its own order cost a sort of every observation each."""
    group = (counted.c.practitioner_user_id, counted.c.programme_id)
    oldest_first: dict[str, Any] = {
        "partition_by": group,
        "order_by": (counted.c.submitted_at, counted.c.id),
    }
    # One window for both (a row number ignores the frame): how many come before, and
    # with the whole group as the frame, how many there are.
    whole_group: dict[str, Any] = {**oldest_first, "rows": (None, None)}
    position = func.row_number().over(**whole_group)
    observations = func.count().over(**whole_group)
    statement = (
        select(
            *counted.c,
            col(RubricVersion.fidelity_threshold_percent).label("threshold"),
            position.label("position"),
            (observations - position + 1).label("rn"),
            *(setting_column(name).label(name) for name in PARAMETERS),
        )
        .join(RubricVersion, col(RubricVersion.id) == counted.c.rubric_version_id)
        .outerjoin(ReviewSettings, col(ReviewSettings.programme_id) == counted.c.programme_id)
        .where(*(condition(counted) for condition in conditions))
    )
    return statement.subquery("ordered_observations")


def _with_streaks(ordered: Subquery) -> Subquery:
    """Each pass's position in its run of passes: how far it is from the latest failure
    before it (or from the start), in the order `ordered_from` already sorted by."""
    c = ordered.c
    latest_failure = func.max(case((c.meets_fidelity, None), else_=c.position)).over(
        partition_by=(c.practitioner_user_id, c.programme_id),
        order_by=(c.submitted_at, c.id),
        rows=(None, 0),
    )
    streak_position = c.position - func.coalesce(latest_failure, 0)
    return select(*c, streak_position.label("streak_position")).subquery("streaks")


def _when(condition: ColumnElement[bool], value: ColumnElement[object]) -> ColumnElement[object]:
    return case((condition, value))


AS_OF = "fidelity_as_of"
"""The bind parameter `status_query` reads as now: whether a certification still holds."""


class lasts_beyond(FunctionElement[bool]):  # noqa: N801 (an SQL function's name)
    """Whether `days` days from the instant `since` have not yet run out at `moment`
    (moment < since + days), on both databases."""

    type = Boolean()
    inherit_cache = True


@compiles(lasts_beyond, "sqlite")
def _lasts_beyond_sqlite(element: lasts_beyond, compiler: SQLCompiler, **kw: Any) -> str:
    since, days, moment = (compiler.process(argument, **kw) for argument in element.clauses)
    return f"(julianday({moment}) < julianday({since}) + {days})"


@compiles(lasts_beyond, "postgresql")
def _lasts_beyond_postgresql(element: lasts_beyond, compiler: SQLCompiler, **kw: Any) -> str:
    since, days, moment = (compiler.process(argument, **kw) for argument in element.clauses)
    return f"({moment} < {since} + {days} * INTERVAL '1 day')"


def certified_at_moment(
    certified_at: ColumnElement[Any],
    recertification_days: ColumnElement[Any],
    moment: ColumnElement[Any],
) -> ColumnElement[bool]:
    """The certification rule: certified at `moment` when the latest certification is
    less than `recertification_days` old then."""
    return and_(certified_at.is_not(None), lasts_beyond(certified_at, recertification_days, moment))


def _flag(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    # SQLite answers 0 or 1: read back as a boolean on both databases.
    return type_coerce(condition, Boolean)


Sums = Callable[[ReadOnlyColumnCollection[str, Any]], Sequence[Label[Any]]]
"""More aggregates over the numbered observations (their columns given at call time)."""


def status_query(ordered: Subquery, *, also: Sums | None = None) -> Select[tuple[object, ...]]:
    """One row per practitioner and programme with everything the status is made of and
    its verdicts (drift and why, certified as of the `AS_OF` parameter), by programme then
    practitioner (ids: a stable order to page through); `also` adds aggregates of the
    same rows (the fidelity report's sums over its period, in the same pass)."""
    rows = _with_streaks(ordered)
    c = rows.c
    latest = c.rn == 1
    passed = case((c.meets_fidelity, 1), else_=0)
    in_recent = c.rn <= c.drift_window
    in_previous = and_(c.rn > c.drift_window, c.rn <= 2 * c.drift_window)
    observations = func.count()
    recent_failures = func.sum(_when(c.rn <= c.drift_consecutive_below, 1 - passed))
    recent_mean = func.avg(_when(in_recent, c.weighted_percent))
    recent_count = func.count(_when(in_recent, c.id))
    previous_mean = func.avg(_when(in_previous, c.weighted_percent))
    previous_count = func.count(_when(in_previous, c.id))
    certified_at = func.max(
        _when(and_(passed == 1, c.streak_position == c.certification_passes), c.submitted_at)
    )
    # Drift: the latest N all failed the rule, or the mean of the last `drift_window` fell
    # by more than `drift_drop_points` from the window before (both windows full).
    consecutive_below = and_(
        observations >= c.drift_consecutive_below, recent_failures == c.drift_consecutive_below
    )
    drop = and_(
        recent_count == c.drift_window,
        previous_count == c.drift_window,
        previous_mean - recent_mean > c.drift_drop_points,
    )
    as_of = bindparam(AS_OF, type_=UTCDateTime())
    statement = select(
        c.practitioner_user_id,
        c.programme_id,
        observations.label("observations"),
        func.max(_when(latest, c.threshold)).label("threshold"),
        func.avg(_when(c.rn <= c.rolling_window, c.weighted_percent)).label("rolling_percent"),
        recent_failures.label("recent_failures"),
        recent_mean.label("recent_mean"),
        recent_count.label("recent_count"),
        previous_mean.label("previous_mean"),
        previous_count.label("previous_count"),
        func.min(_when(passed == 0, c.rn)).label("first_failure_rn"),
        certified_at.label("certified_at"),
        _flag(consecutive_below).label("drift_by_consecutive_below"),
        _flag(drop).label("drift_by_drop"),
        _flag(or_(consecutive_below, drop)).label("drift"),
        _flag(certified_at_moment(certified_at, c.recertification_days, as_of)).label("certified"),
        *(getattr(c, name) for name in PARAMETERS),
        *(also(c) if also is not None else ()),
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

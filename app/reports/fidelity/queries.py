"""What the fidelity report counts, as SQL: the counted observations (app/review/counting.py)
of the practitioners in the caller's scope, less those of recordings the caller rates
blind, submitted in the period; and the current fidelity status of each practitioner and
programme, app/review/fidelity's own statement over the same observations, whatever the
period (the status is as of now)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    not_,
    select,
)
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import Label

from app.access import Member
from app.access.figures import not_blind
from app.access.reports import PeopleFilters, PractitionerCondition
from app.models.base import UTCDateTime
from app.reports.fidelity.schemas import FidelityGrouping
from app.reports.period import DateRange
from app.reports.sql import one_if
from app.review.counting import counted_observations
from app.review.fidelity import queries as fidelity

RECERTIFICATION_NOTICE = timedelta(days=30)
"""A certification lapsing within this long from now is due again (as is a lapsed one)."""

_NOTICE_ENDS = "recertification_notice_ends"


@dataclass(frozen=True)
class FidelityQuery:
    """A checked request: whose figures (scope and filters), which days, grouped how, and
    the moment the status is taken at."""

    member: Member
    days: DateRange
    by: FidelityGrouping
    filters: PeopleFilters
    practitioners: PractitionerCondition
    """The reader's scope narrowed by the filters (app/access/reports.py)."""
    now: datetime

    @property
    def organisation_id(self) -> uuid.UUID:
        return self.member.organisation_id

    def bound(self, statement: Select[Any]) -> Select[Any]:
        """The statement with the moments its status parts are taken at: ready to run
        as it is, now or later (streamed CSV)."""
        return statement.params(
            {fidelity.AS_OF: self.now, _NOTICE_ENDS: self.now + RECERTIFICATION_NOTICE}
        )


def scoped_observations(query: FidelityQuery) -> CTE:
    """The counted observations in scope, of any time: the status is made of them all."""
    counted = counted_observations(query.organisation_id)
    conditions = [
        query.practitioners(counted.c.practitioner_user_id),
        not_blind(query.member, counted.c.recording_id),
    ]
    if query.filters.programme_id is not None:
        conditions.append(counted.c.programme_id == query.filters.programme_id)
    return select(*counted.c).where(*conditions).cte("scoped_observation")


def period_observations(scoped: CTE, days: DateRange) -> CTE:
    """Those submitted within the period's days."""
    submitted = scoped.c.submitted_at
    return (
        select(*scoped.c)
        .where(submitted >= days.starts_at, submitted < days.ends_at)
        .cte("period_observation")
    )


def practitioner_figures(scoped: CTE, days: DateRange) -> CTE:
    """Per practitioner and programme observed in the period: their observations' sums
    within the period's days, and their current status as 0/1 flags (summed per group by
    rows.py). One pass over `scoped`, whatever the period, gives both: the status reads
    every observation anyway, and the period's sums ride along in the same aggregate,
    where a second pass over the period's observations (a sort of 50,000 rows, then a
    join) cost as much again."""

    def period_sums(c: ReadOnlyColumnCollection[str, Any]) -> list[Label[Any]]:
        within = and_(c.submitted_at >= days.starts_at, c.submitted_at < days.ends_at)
        return [
            # Null, not 0, without any: `IS NOT NULL` below is estimated to keep nearly
            # every row, where `> 0` was taken to keep 0.5 % of them and PostgreSQL
            # joined the names by a nested loop over every pair.
            func.sum(case((within, 1))).label("period_observations"),
            func.sum(case((within, c.weighted_percent))).label("percent_sum"),
            func.sum(one_if(and_(within, c.meets_fidelity))).label("passes"),
        ]

    status = (
        fidelity.status_query(fidelity.ordered_from(scoped), also=period_sums)
        .order_by(None)
        .subquery("fidelity_status")
    )
    s = status.c
    notice_ends = bindparam(_NOTICE_ENDS, type_=UTCDateTime())
    still_certified_then = fidelity.certified_at_moment(
        s.certified_at, s.recertification_days, notice_ends
    )
    due = and_(s.certified_at.is_not(None), not_(still_certified_then))
    return (
        select(
            s.practitioner_user_id,
            s.programme_id,
            s.period_observations.label("observations"),
            s.percent_sum,
            s.passes,
            one_if(s.drift).label("drift"),
            one_if(s.certified).label("certified"),
            one_if(due).label("recertification_due"),
            s.certified_at,
            s.recertification_days,
        )
        .where(s.period_observations.is_not(None))
        .cte("practitioner_figures")
    )


def percent_of(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[Any]:
    """part / whole x 100 as a real number on both databases (whole never 0 here)."""
    return cast(part, Float) * 100 / whole

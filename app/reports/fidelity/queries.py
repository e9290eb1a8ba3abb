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

from app.access import Member
from app.access.figures import not_blind
from app.access.reports import PeopleFilters, PractitionerCondition
from app.models.base import UTCDateTime
from app.reports.fidelity.schemas import FidelityGrouping
from app.reports.period import DateRange
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


def practitioner_figures(scoped: CTE, observations: CTE) -> CTE:
    """Per practitioner and programme observed in the period (`observations`, of
    `scoped`): their observations' sums, and their current status as 0/1 flags (summed per
    group by rows.py). Sharing `scoped` lets the database choose the counted observations
    once for both."""
    o = observations.c
    observed = (
        select(
            o.practitioner_user_id,
            o.programme_id,
            func.count().label("observations"),
            func.sum(o.weighted_percent).label("percent_sum"),
            func.sum(case((o.meets_fidelity, 1), else_=0)).label("passes"),
        )
        .group_by(o.practitioner_user_id, o.programme_id)
        .subquery("observed")
    )
    status = (
        fidelity.status_query(fidelity.ordered_from(scoped))
        .order_by(None)
        .subquery("fidelity_status")
    )
    notice_ends = bindparam(_NOTICE_ENDS, type_=UTCDateTime())
    still_certified_then = fidelity.certified_at_moment(
        status.c.certified_at, status.c.recertification_days, notice_ends
    )
    due = and_(status.c.certified_at.is_not(None), not_(still_certified_then))
    return (
        select(
            *observed.c,
            _one_if(status.c.drift).label("drift"),
            _one_if(status.c.certified).label("certified"),
            _one_if(due).label("recertification_due"),
            status.c.certified_at,
            status.c.recertification_days,
        )
        .select_from(observed)
        .outerjoin(
            status,
            and_(
                status.c.practitioner_user_id == observed.c.practitioner_user_id,
                status.c.programme_id == observed.c.programme_id,
            ),
        )
        .cte("practitioner_figures")
    )


def _one_if(condition: ColumnElement[Any]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def percent_of(part: ColumnElement[Any], whole: ColumnElement[Any]) -> ColumnElement[Any]:
    """part / whole x 100 as a real number on both databases (whole never 0 here)."""
    return cast(part, Float) * 100 / whole

"""The monthly trend: per programme observed in the period, every month of the period
(the organisation's months, cut at its midnights), with or without observations."""

from typing import Any

from sqlalchemy import CTE, Select, and_, case, func, select, true
from sqlmodel import col

from app.models import Programme
from app.reports.fidelity import queries
from app.reports.fidelity.queries import FidelityQuery
from app.reports.sql import month_of, months_of


def trend_statement(query: FidelityQuery, observations: CTE) -> Select[Any]:
    o = observations.c
    months = months_of(query.days)
    # Summed per programme and month first: the few sums, not every observation, meet
    # the months that have none.
    month = month_of(query.days, o.submitted_at).label("month")
    monthly = (
        select(
            o.programme_id,
            month,
            func.count().label("observations"),
            func.sum(o.weighted_percent).label("percent_sum"),
            func.sum(case((o.meets_fidelity, 1), else_=0)).label("passes"),
        )
        .group_by(o.programme_id, month)
        .cte("monthly")
    )
    programme_id, programme_name = col(Programme.id), col(Programme.name)
    observed = programme_id.in_(select(monthly.c.programme_id))
    count = func.coalesce(monthly.c.observations, 0)
    return (
        select(
            programme_id.label("programme_id"),
            programme_name.label("programme_name"),
            months.c.month,
            count.label("observations"),
            (monthly.c.percent_sum / monthly.c.observations).label("mean_weighted_percent"),
            case((count > 0, queries.percent_of(monthly.c.passes, count)), else_=None).label(
                "meeting_fidelity_percent"
            ),
        )
        .select_from(Programme)
        .join(months, true())
        .outerjoin(
            monthly,
            and_(monthly.c.programme_id == programme_id, monthly.c.month == months.c.month),
        )
        .where(col(Programme.organisation_id) == query.organisation_id, observed)
        .order_by(programme_name, programme_id, months.c.month)
    )

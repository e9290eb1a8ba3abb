"""The fidelity report: checks what is asked, runs the statements (rows.py, trend.py,
criteria.py), and shapes their already aggregated rows."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlmodel import Session

from app.access import Member
from app.access.reports import report_scope
from app.reports.fidelity import queries
from app.reports.fidelity.criteria import weakest_statement
from app.reports.fidelity.queries import FidelityQuery
from app.reports.fidelity.rows import rows_statement
from app.reports.fidelity.schemas import (
    FidelityGrouping,
    FidelityGroupReport,
    FidelityGroupRow,
    FidelityObservationReport,
    FidelityObservationRow,
    FidelityPractitionerReport,
    FidelityPractitionerRow,
    FidelityReport,
    FidelityRow,
    FidelityTrendPoint,
    WeakCriterion,
)
from app.reports.fidelity.trend import trend_statement
from app.reports.filters import ReportFilters
from app.reports.period import trend_range
from app.reports.streaming import streamed_rows
from app.review.fidelity.service import recertification_due_at
from app.schemas import Page


def fidelity_query(
    db: Session,
    *,
    member: Member,
    filters: ReportFilters,
    by: FidelityGrouping,
    now: datetime | None = None,
) -> FidelityQuery:
    """What the caller asked for, checked: 422 for a wrong period (12 months up to `to`
    by default), 404 for a filter naming something out of the caller's reach."""
    days = trend_range(filters.first_day, filters.last_day, ZoneInfo(member.organisation.time_zone))
    return FidelityQuery(
        member=member,
        days=days,
        by=by,
        filters=filters,
        practitioners=report_scope(db, member=member, filters=filters),
        now=now or datetime.now(UTC),
    )


def fidelity_report(db: Session, *, query: FidelityQuery, page: Page) -> FidelityReport:
    """A page of rows, with the whole trend and the weakest criteria."""
    shape = row_shape(query.by)
    rows = [shape(found) for found in db.execute(page.of(rows_statement(query)))]
    observations = queries.period_observations(queries.scoped_observations(query), query.days)
    trend = [
        FidelityTrendPoint.model_validate(found._mapping)
        for found in db.execute(trend_statement(query, observations))
    ]
    weakest = [
        WeakCriterion.model_validate(found._mapping)
        for found in db.execute(weakest_statement(query, observations))
    ]
    common: dict[str, Any] = {
        "first_day": query.days.first,
        "last_day": query.days.last,
        "trend": trend,
        "weakest_criteria": weakest,
        "by": query.by.value,
        "rows": rows,
    }
    if query.by == FidelityGrouping.observation:
        return FidelityObservationReport.model_validate(common)
    if query.by == FidelityGrouping.practitioner:
        return FidelityPractitionerReport.model_validate(common)
    return FidelityGroupReport.model_validate(common)


def every_row(db: Session, *, query: FidelityQuery) -> Iterator[FidelityRow]:
    """Every row of the table, read as it is sent (the CSV)."""
    return streamed_rows(db, rows_statement(query), shape=row_shape(query.by))


def row_model(by: FidelityGrouping) -> type[FidelityRow]:
    if by == FidelityGrouping.observation:
        return FidelityObservationRow
    if by == FidelityGrouping.practitioner:
        return FidelityPractitionerRow
    return FidelityGroupRow


def row_shape(by: FidelityGrouping) -> Callable[[Row[Any]], FidelityRow]:
    if by == FidelityGrouping.practitioner:
        return _practitioner_row
    model = row_model(by)
    return lambda found: model.model_validate(found._mapping)


def _practitioner_row(found: Row[Any]) -> FidelityPractitionerRow:
    values = found._mapping
    return FidelityPractitionerRow(
        **{name: values[name] for name in FidelityGroupRow.model_fields},
        drift=values["drift_practitioners"] == 1,
        certified=values["certified_practitioners"] == 1,
        certified_at=values["certified_at"],
        recertification_due_at=recertification_due_at(
            values["certified_at"], values["recertification_days"]
        ),
    )

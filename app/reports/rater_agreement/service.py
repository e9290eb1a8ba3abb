"""The agreement report: check what was asked, run the statement, turn the counts into
percentages and means (exact decimal rounding of the sums SQL gave)."""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row
from sqlmodel import Session

from app.access import load_scoped
from app.access.members import Member
from app.access.reports import report_scope
from app.errors import Unprocessable
from app.models import Rubric
from app.reports.filters import ReportFilters
from app.reports.period import trend_range
from app.reports.rater_agreement.ratings import AgreementQuery
from app.reports.rater_agreement.schemas import AgreementReport, AgreementRow
from app.reports.rater_agreement.statement import agreement_statement


def agreement_query(
    db: Session, *, member: Member, filters: ReportFilters, rubric_id: uuid.UUID | None
) -> AgreementQuery:
    """422 for a wrong period or a rubric outside the programme asked for, 404 for a
    filter or rubric out of reach. Without `from`, the twelve calendar months up to `to`."""
    days = trend_range(filters.first_day, filters.last_day, ZoneInfo(member.organisation.time_zone))
    practitioners = report_scope(db, member=member, filters=filters)
    if rubric_id is not None:
        rubric = load_scoped(
            db,
            Rubric,
            organisation_id=member.organisation_id,
            row_id=rubric_id,
            label="rubric_id: Rubric",
        )
        if filters.programme_id is not None and rubric.programme_id != filters.programme_id:
            raise Unprocessable(
                "rubric_id: not a rubric of the programme that programme_id names.",
                code="invalid_filter",
            )
    return AgreementQuery(
        member=member,
        days=days,
        practitioners=practitioners,
        programme_id=filters.programme_id,
        rubric_id=rubric_id,
    )


def agreement_rows(db: Session, *, query: AgreementQuery) -> list[AgreementRow]:
    return [_row(found) for found in db.execute(agreement_statement(query))]


def agreement_report(db: Session, *, query: AgreementQuery) -> AgreementReport:
    return AgreementReport(
        first_day=query.days.first,
        last_day=query.days.last,
        rubric_id=query.rubric_id,
        rows=agreement_rows(db, query=query),
    )


def rounded(numerator: int, denominator: int, places: int) -> float:
    """numerator / denominator to `places` decimals, halves away from zero."""
    exact = Decimal(numerator) / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _row(found: Row[Any]) -> AgreementRow:
    values = found._mapping
    pairs, earlier_pairs = values["score_pairs"], values["earlier_pairs"]
    everyone = values["rater_user_id"] is None
    gold_pairs = int(values["gold_pairs"] or 0)
    gold_percent = rounded(100 * values["gold_exact_pairs"], gold_pairs, 1) if gold_pairs else None
    exact = rounded(100 * values["exact_pairs"], pairs, 1)
    threshold = values["recalibration_below_percent"]
    return AgreementRow(
        rubric_id=values["rubric_id"],
        rubric_title=values["rubric_title"],
        month=values["month"],
        rater_user_id=values["rater_user_id"],
        rater_name=values["rater_name"],
        recordings_compared=values["recordings_compared"],
        score_pairs=pairs,
        exact_agreement_percent=exact,
        adjacent_agreement_percent=rounded(100 * values["adjacent_pairs"], pairs, 1),
        mean_signed_difference=None if everyone else rounded(values["signed_total"], pairs, 2),
        mean_absolute_difference=rounded(values["absolute_total"], pairs, 2),
        earlier_exact_agreement_percent=(
            rounded(100 * values["earlier_exact_pairs"], earlier_pairs, 1)
            if earlier_pairs
            else None
        ),
        drifting=bool(values["drifting"]),
        gold_pairs=gold_pairs,
        gold_exact_agreement_percent=gold_percent,
        needs_recalibration=not everyone
        and threshold is not None
        and (exact < threshold or (gold_percent is not None and gold_percent < threshold)),
    )

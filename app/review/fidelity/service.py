"""Fidelity status per practitioner per programme, a page of them from one aggregate query
and one query for their latest observations. Whose figures a member sees, and which
observations go into them for that member, is app/access/figures.py's rule."""

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, Subquery, bindparam
from sqlmodel import Session

from app.access import Member, figures
from app.access.members import MemberTemplate, bound_to
from app.models import Role
from app.models.base import utcnow
from app.review.fidelity import queries
from app.review.fidelity.schemas import FidelityStatus, ObservationSummary
from app.schemas import Page


def fidelity_status(
    db: Session,
    *,
    member: Member,
    page: Page,
    programme_id: uuid.UUID | None = None,
    practitioner_user_id: uuid.UUID | None = None,
) -> list[FidelityStatus]:
    ordered, status = _statements(
        member.roles, programme_id is not None, practitioner_user_id is not None
    )
    values = {
        **bound_to(member),
        "programme_id": programme_id,
        "practitioner_user_id": practitioner_user_id,
        queries.AS_OF: utcnow(),
    }
    rows = db.execute(page.of(status), values).all()
    if not rows:
        return []
    latest: dict[tuple[Any, Any], list[ObservationSummary]] = defaultdict(list)
    practitioners = {row.practitioner_user_id for row in rows}
    for row in db.execute(queries.latest_query(ordered, practitioners=practitioners), values):
        latest[(row.practitioner_user_id, row.programme_id)].append(
            ObservationSummary(
                observation_id=row.id,
                recording_id=row.recording_id,
                submitted_at=row.submitted_at,
                weighted_percent=row.weighted_percent,
                meets_fidelity=row.meets_fidelity,
            )
        )
    return [_status(row, latest[(row.practitioner_user_id, row.programme_id)]) for row in rows]


@lru_cache(maxsize=256)
def _statements(
    roles: frozenset[Role], by_programme: bool, by_practitioner: bool
) -> tuple[Subquery, Select[tuple[object, ...]]]:
    """The observations counted and the status query, built once per set of roles and
    filters (see `MemberTemplate`): building them cost more than running them."""
    member = MemberTemplate(roles)
    conditions: list[queries.Condition] = [
        lambda counted: figures.practitioner_rule(member, counted.c.practitioner_user_id),
        lambda counted: figures.not_blind(member, counted.c.recording_id),
    ]
    if by_programme:
        conditions.append(lambda counted: counted.c.programme_id == bindparam("programme_id"))
    if by_practitioner:
        conditions.append(
            lambda counted: counted.c.practitioner_user_id == bindparam("practitioner_user_id")
        )
    ordered = queries.ordered_observations(member.organisation_id, conditions=conditions)
    return ordered, queries.status_query(ordered)


def _drift_reasons(row: Any) -> list[str]:
    """The reasons the status query found (the rule is SQL, queries.py), in a fixed order."""
    found = (("consecutive_below", row.drift_by_consecutive_below), ("drop", row.drift_by_drop))
    return [reason for reason, holds in found if holds]


def recertification_due_at(certified_at: datetime | None, days: int) -> datetime | None:
    """When the latest certification runs out (the rule: queries.certified_at_moment)."""
    return None if certified_at is None else certified_at + timedelta(days=days)


def _status(row: Any, latest: list[ObservationSummary]) -> FidelityStatus:
    threshold = float(row.threshold)
    rolling = float(row.rolling_percent)
    streak = row.observations if row.first_failure_rn is None else row.first_failure_rn - 1
    return FidelityStatus(
        practitioner_user_id=row.practitioner_user_id,
        programme_id=row.programme_id,
        observations=row.observations,
        latest=latest,
        fidelity_threshold_percent=threshold,
        rolling_percent=rolling,
        rolling_window=row.rolling_window,
        meets_fidelity=rolling >= threshold,
        drift=row.drift,
        drift_reasons=_drift_reasons(row),
        recent_mean_percent=row.recent_mean if row.recent_count == row.drift_window else None,
        previous_mean_percent=(
            row.previous_mean if row.previous_count == row.drift_window else None
        ),
        passing_streak=streak,
        certified=row.certified,
        certified_at=row.certified_at,
        recertification_due_at=recertification_due_at(row.certified_at, row.recertification_days),
    )

"""The equity report as SQL: each practitioner's figures (activity.py), then summed per
group (the value of an attribute, or the supervisor) and over everyone.

A practitioner belongs to one group per value they hold: an attribute has one value per
member, but a practitioner with two supervisors is in both teams. Those without the
attribute (or without a supervisor) make the group whose value is null.
"""

from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Uuid,
    and_,
    case,
    func,
    null,
    select,
    type_coerce,
)
from sqlmodel import col

from app.models import Assignment, MemberAttribute, Membership, MembershipRole, Role, User
from app.models.organisation import AssignmentKind
from app.organisation.schemas import TEAM
from app.reports.coverage.activity import (
    ActivityQuery,
    Rows,
    completed_sessions,
    practitioners_in_scope,
    ratings,
    whole_total,
)
from app.reports.sql import whole_minutes


def figures_statements(query: ActivityQuery, attribute: str) -> tuple[Rows, Rows]:
    """The rows, one per group in the report's order, and the figures over everyone."""
    practitioners = practitioners_in_scope(query)
    figures = _per_practitioner(query, practitioners)
    groups = (
        _supervisors(query, practitioners)
        if attribute == TEAM
        else _holding(practitioners, attribute)
    )
    value, supervisor = groups.c.value, groups.c.supervisor_user_id
    rows = (
        select(value, supervisor, *_sums(figures))
        .select_from(groups)
        .join(figures, figures.c.user_id == groups.c.user_id)
        .group_by(value, supervisor)
        .order_by(case((value.is_(None), 1), else_=0), value, supervisor)
    )
    return rows, select(*_sums(figures)).select_from(figures)


def _sums(figures: CTE) -> list[ColumnElement[Any]]:
    def reached(count: ColumnElement[int]) -> ColumnElement[int]:
        return whole_total(case((count > 0, 1), else_=0))

    c = figures.c
    return [
        func.count().label("practitioners"),
        whole_total(c.bookings).label("bookings_completed"),
        whole_total(c.minutes).label("booking_minutes"),
        whole_total(c.coaching).label("coaching_sessions"),
        reached(c.coaching).label("practitioners_coached"),
        whole_total(c.observations).label("observations"),
        reached(c.observations).label("practitioners_rated"),
    ]


def _per_practitioner(query: ActivityQuery, practitioners: CTE) -> CTE:
    """Each practitioner's completed sittings, their minutes, coaching sittings and counted
    observations in the period (zeros included)."""
    days = query.days
    session = completed_sessions(query, practitioners, since=days.starts_at, until=days.ends_at)
    attended = (
        select(
            session.c.practitioner_user_id,
            func.count().label("bookings"),
            whole_minutes(func.sum(session.c.spent)).label("minutes"),
            func.count(case((session.c.is_coaching, 1))).label("coaching"),
        )
        .group_by(session.c.practitioner_user_id)
        .cte("attended")
    )
    rating = ratings(query, practitioners, since=days.starts_at, until=days.ends_at)
    rated = (
        select(rating.c.practitioner_user_id, func.count().label("observations"))
        .group_by(rating.c.practitioner_user_id)
        .cte("rated")
    )
    user_id = practitioners.c.user_id
    return (
        select(
            user_id,
            func.coalesce(attended.c.bookings, 0).label("bookings"),
            func.coalesce(attended.c.minutes, 0).label("minutes"),
            func.coalesce(attended.c.coaching, 0).label("coaching"),
            func.coalesce(rated.c.observations, 0).label("observations"),
        )
        .select_from(practitioners)
        .outerjoin(attended, attended.c.practitioner_user_id == user_id)
        .outerjoin(rated, rated.c.practitioner_user_id == user_id)
        .cte("practitioner_figures")
    )


def _holding(practitioners: CTE, attribute: str) -> CTE:
    """Each practitioner with their value of the attribute (null: not set)."""
    held = and_(
        col(MemberAttribute.membership_id) == practitioners.c.membership_id,
        col(MemberAttribute.name) == attribute,
    )
    return (
        select(
            practitioners.c.user_id,
            col(MemberAttribute.value).label("value"),
            type_coerce(null(), Uuid()).label("supervisor_user_id"),
        )
        .select_from(practitioners)
        .outerjoin(MemberAttribute, held)
        .cte("practitioner_group")
    )


def _supervisors(query: ActivityQuery, practitioners: CTE) -> CTE:
    """Each practitioner with each supervisor (a member holding the supervisor role now,
    as app/access/relations.py reads a team), by name; null: nobody supervises them."""
    staff: Any = Assignment.staff_user_id
    supervising = (
        select(
            col(Assignment.practitioner_user_id).label("practitioner_user_id"),
            staff.label("supervisor_user_id"),
            col(User.display_name).label("name"),
        )
        .join(
            Membership,
            and_(
                col(Membership.organisation_id) == query.organisation_id,
                col(Membership.user_id) == staff,
            ),
        )
        .join(
            MembershipRole,
            and_(
                col(MembershipRole.membership_id) == col(Membership.id),
                col(MembershipRole.role) == Role.supervisor,
            ),
        )
        .join(User, col(User.id) == staff)
        .where(
            col(Assignment.organisation_id) == query.organisation_id,
            col(Assignment.kind) == AssignmentKind.supervisor,
        )
        .cte("supervising")
    )
    return (
        select(
            practitioners.c.user_id,
            supervising.c.name.label("value"),
            supervising.c.supervisor_user_id,
        )
        .select_from(practitioners)
        .outerjoin(supervising, supervising.c.practitioner_user_id == practitioners.c.user_id)
        .cte("practitioner_group")
    )

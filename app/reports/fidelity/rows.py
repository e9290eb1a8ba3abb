"""The report's main table as statements: groups of practitioners (organisation, team,
coach, practitioner) per programme, or the counted observations themselves. Each is
ordered by a unique key, so pages follow on and the CSV lists the same rows."""

from typing import Any

from sqlalchemy import CTE, FromClause, Select, and_, case, func, select
from sqlalchemy.orm import aliased, join, outerjoin
from sqlmodel import col

from app.access.relations import STAFF_ROLE
from app.models import (
    Assignment,
    Membership,
    MembershipRole,
    Observation,
    Organisation,
    Programme,
    User,
)
from app.models.organisation import AssignmentKind
from app.reports.fidelity import queries
from app.reports.fidelity.queries import FidelityQuery
from app.reports.fidelity.schemas import FidelityGrouping

_KIND = {
    FidelityGrouping.supervisor: AssignmentKind.supervisor,
    FidelityGrouping.coach: AssignmentKind.coach,
}


def rows_statement(query: FidelityQuery) -> Select[Any]:
    """Every row of the table asked for (`by`), ordered, its status moments bound."""
    scoped = queries.scoped_observations(query)
    if query.by == FidelityGrouping.observation:
        return query.bound(_observation_rows(queries.period_observations(scoped, query.days)))
    figures = queries.practitioner_figures(scoped, query.days)
    return query.bound(_group_rows(query, figures))


def _group_rows(query: FidelityQuery, figures: CTE) -> Select[Any]:
    f = figures.c
    joined, group_id, group_name = _groups(query, figures)
    programme_name = col(Programme.name)
    observations = func.sum(f.observations)
    columns: list[Any] = [
        group_id.label("group_id"),
        group_name.label("group_name"),
        f.programme_id,
        programme_name.label("programme_name"),
        func.count().label("practitioners"),
        observations.label("observations"),
        (func.sum(f.percent_sum) / observations).label("mean_weighted_percent"),
        queries.percent_of(func.sum(f.passes), observations).label("meeting_fidelity_percent"),
        func.sum(f.drift).label("drift_practitioners"),
        func.sum(f.certified).label("certified_practitioners"),
        func.sum(f.recertification_due).label("recertification_due_practitioners"),
    ]
    if query.by == FidelityGrouping.practitioner:
        # A group of one: its own certification, to say when it lapses.
        columns += [
            func.max(f.certified_at).label("certified_at"),
            func.max(f.recertification_days).label("recertification_days"),
        ]
    return (
        select(*columns)
        .select_from(joined)
        .join(Programme, col(Programme.id) == f.programme_id)
        .group_by(group_id, group_name, f.programme_id, programme_name)
        .order_by(
            case((group_id.is_(None), 1), else_=0),
            group_name,
            group_id,
            programme_name,
            f.programme_id,
        )
    )


def _groups(query: FidelityQuery, figures: CTE) -> tuple[FromClause, Any, Any]:
    """The practitioners' rows joined to their groups, and the group's id and name
    (column expressions)."""
    practitioner = figures.c.practitioner_user_id
    if query.by == FidelityGrouping.organisation:
        organisation = col(Organisation.id) == query.organisation_id
        return (
            join(figures, Organisation, organisation),
            col(Organisation.id),
            col(Organisation.name),
        )
    if query.by == FidelityGrouping.practitioner:
        joined = join(figures, User, col(User.id) == practitioner)
        return joined, practitioner, col(User.display_name)
    assignment, staff = aliased(Assignment), aliased(User)
    kind = _KIND[query.by]
    conditions = [
        col(assignment.practitioner_user_id) == practitioner,
        col(assignment.organisation_id) == query.organisation_id,
        col(assignment.kind) == kind,
        col(assignment.staff_user_id).in_(_holding(query, kind)),
    ]
    named = _named_staff(query, kind)
    if named is not None:
        # Asked about one team (coach): its row only, not its members' other teams.
        conditions.append(col(assignment.staff_user_id) == named)
    joined = outerjoin(figures, assignment, and_(*conditions)).outerjoin(
        staff, col(staff.id) == col(assignment.staff_user_id)
    )
    return joined, col(assignment.staff_user_id), col(staff.display_name)


def _holding(query: FidelityQuery, kind: AssignmentKind) -> Select[Any]:
    """Members holding the role an assignment of this kind needs (app/access/relations.py:
    an assignment counts only while its staff member holds the role)."""
    return (
        select(col(Membership.user_id))
        .join(MembershipRole, col(MembershipRole.membership_id) == col(Membership.id))
        .where(
            col(Membership.organisation_id) == query.organisation_id,
            col(MembershipRole.role) == STAFF_ROLE[kind],
        )
    )


def _named_staff(query: FidelityQuery, kind: AssignmentKind) -> Any:
    if kind == AssignmentKind.supervisor:
        return query.filters.supervisor_user_id
    return query.filters.coach_user_id


def _observation_rows(observations: CTE) -> Select[Any]:
    o = observations.c
    practitioner, rater = aliased(User), aliased(User)
    return (
        select(
            o.id.label("observation_id"),
            o.submitted_at,
            o.practitioner_user_id,
            col(practitioner.display_name).label("practitioner_name"),
            col(Observation.rater_user_id),
            col(rater.display_name).label("rater_name"),
            o.programme_id,
            col(Programme.name).label("programme_name"),
            o.weighted_percent,
            o.meets_fidelity,
        )
        .select_from(observations)
        .join(Observation, col(Observation.id) == o.id)
        .join(practitioner, col(practitioner.id) == o.practitioner_user_id)
        .join(rater, col(rater.id) == col(Observation.rater_user_id))
        .join(Programme, col(Programme.id) == o.programme_id)
        .order_by(o.submitted_at, o.id)
    )

"""Organisations and their members: roles and the champion flag (invitations: invitations.py)."""

import uuid
from collections.abc import Iterable

from sqlalchemy import bindparam, exists
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import Member, load_scoped, roles_by_membership, roles_of, scoped
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, Unprocessable, naming_field
from app.models import Identity, Membership, MembershipRole, Organisation, Role, User
from app.organisation.attributes import attributes_by_membership
from app.organisation.departures import end_relations
from app.organisation.schemas import (
    MemberRead,
    MembershipSummary,
    MeRead,
    OrganisationUpdate,
)
from app.schemas import Page

# Every screen of the app asks /me first: columns, not objects, and built once.
_MY_MEMBERSHIPS = (
    select(Membership.id, Membership.is_champion, Organisation.id, Organisation.name)
    .join(Organisation, col(Organisation.id) == Membership.organisation_id)
    .where(col(Membership.user_id) == bindparam("user_id"))
    .order_by(Organisation.name)
)


def me(db: Session, *, user: User) -> MeRead:
    rows = db.exec(_MY_MEMBERSHIPS, params={"user_id": user.id}).all()
    held = roles_by_membership(db, [membership_id for membership_id, *_ in rows])
    memberships = [
        MembershipSummary(
            organisation_id=organisation_id,
            organisation_name=organisation_name,
            membership_id=membership_id,
            roles=sorted(held[membership_id]),
            is_champion=is_champion,
        )
        for membership_id, is_champion, organisation_id, organisation_name in rows
    ]
    return MeRead(
        id=user.id, email=user.email, display_name=user.display_name, memberships=memberships
    )


def update_organisation(
    db: Session, *, lead: Member, changes: OrganisationUpdate, context: AuditContext
) -> Organisation:
    organisation = lead.organisation
    values = changes.model_dump(exclude_unset=True)
    for field, value in values.items():
        setattr(organisation, field, value)
    db.add(organisation)
    audit.record(
        db,
        action="organisation.updated",
        resource_type="organisation",
        resource_id=organisation.id,
        organisation_id=organisation.id,
        actor_user_id=lead.user.id,
        context=context,
        details={"fields": sorted(values)},
    )
    return organisation


def member_read(db: Session, membership: Membership) -> MemberRead:
    chosen = scoped(Membership, membership.organisation_id).where(
        col(Membership.id) == membership.id
    )
    return member_reads(db, chosen)[0]


# What a member's answer needs, as columns: a page of 500 members read as Membership and
# User objects spent over a third of its CPU making the objects.
_MEMBER_COLUMNS = (
    col(Membership.id),
    col(Membership.user_id),
    col(Membership.is_champion),
    col(User.email),
    col(User.display_name),
    exists().where(col(Identity.user_id) == col(Membership.user_id)).label("can_sign_in"),
)


def member_reads(db: Session, chosen: SelectOfScalar[Membership]) -> list[MemberRead]:
    """The members `chosen` selects, in its order, with their roles, attributes and
    whether they can sign in: three queries however many, each found by `chosen` itself
    rather than a list of the members' ids (`ids_among`)."""
    rows = db.execute(
        chosen.with_only_columns(*_MEMBER_COLUMNS).join(
            User, col(User.id) == col(Membership.user_id)
        )
    ).all()
    membership_ids = [row[0] for row in rows]
    ids = chosen.with_only_columns(col(Membership.id))
    roles = roles_by_membership(db, membership_ids, selected_by=ids)
    attributes = attributes_by_membership(db, membership_ids, selected_by=ids)
    return [
        MemberRead(
            membership_id=membership_id,
            user_id=user_id,
            email=email,
            display_name=display_name,
            roles=sorted(roles[membership_id]),
            is_champion=is_champion,
            can_sign_in=can_sign_in,
            attributes=attributes[membership_id],
        )
        for membership_id, user_id, is_champion, email, display_name, can_sign_in in rows
    ]


def list_members(db: Session, *, member: Member, page: Page) -> list[MemberRead]:
    statement = scoped(Membership, member.organisation_id).order_by(
        col(Membership.created_at), col(Membership.id)
    )
    return member_reads(db, page.of(statement))


def check_roles(roles: Iterable[Role], is_champion: bool) -> None:
    """A guest reviewer is only that: an external expert who sees the recordings shared
    with them, never also staff or practitioner (one role would open the organisation to
    them). The champion flag belongs to practitioners."""
    held = set(roles)
    if Role.guest in held and len(held) > 1:
        raise naming_field(
            Unprocessable,
            "roles",
            "a guest reviewer holds no other role.",
            code="guest_holds_no_other_role",
        )
    check_champion(held, is_champion)


def check_champion(roles: Iterable[Role], is_champion: bool) -> None:
    if is_champion and Role.practitioner not in set(roles):
        raise naming_field(
            Unprocessable,
            "is_champion",
            "only a practitioner membership can carry the champion flag.",
            code="champion_needs_practitioner",
        )


def _replace_roles(db: Session, membership: Membership, roles: Iterable[Role]) -> None:
    for existing in db.exec(
        select(MembershipRole).where(MembershipRole.membership_id == membership.id)
    ):
        db.delete(existing)
    db.flush()
    db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in set(roles))
    db.flush()


def _lead_count(db: Session, organisation_id: uuid.UUID) -> int:
    statement = (
        select(MembershipRole.membership_id)
        .join(Membership, col(Membership.id) == MembershipRole.membership_id)
        .where(Membership.organisation_id == organisation_id, MembershipRole.role == Role.lead)
    )
    return len(db.exec(statement).all())


def _refuse_removing_last_lead(
    db: Session, membership: Membership, *, field: str | None = None
) -> None:
    """`field`: the part of the request that would take the lead away (their `roles`), to
    name in the answer; none when the whole membership is being removed."""
    if (
        Role.lead in roles_of(db, membership.id)
        and _lead_count(db, membership.organisation_id) <= 1
    ):
        message = "An organisation needs at least one lead."
        if field is None:
            raise Conflict(message, code="last_lead")
        raise naming_field(Conflict, field, message, code="last_lead")


def update_member(
    db: Session,
    *,
    lead: Member,
    membership_id: uuid.UUID,
    roles: list[Role] | None,
    is_champion: bool | None,
    context: AuditContext,
) -> MemberRead:
    membership = load_scoped(
        db, Membership, organisation_id=lead.organisation_id, row_id=membership_id, label="Member"
    )
    before = roles_of(db, membership.id)
    new_roles = set(roles) if roles is not None else set(before)
    champion = membership.is_champion if is_champion is None else is_champion
    check_roles(new_roles, champion)
    if Role.lead in before and Role.lead not in new_roles:
        _refuse_removing_last_lead(db, membership, field="roles")
    membership.is_champion = champion
    db.add(membership)
    _replace_roles(db, membership, new_roles)
    end_relations(db, lead=lead, user_id=membership.user_id, roles=new_roles, context=context)
    audit.record(
        db,
        action="membership.updated",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={
            "roles_before": sorted(before),
            "roles_after": sorted(new_roles),
            "is_champion": champion,
        },
    )
    return member_read(db, membership)


def remove_member(
    db: Session, *, lead: Member, membership_id: uuid.UUID, context: AuditContext
) -> None:
    membership = load_scoped(
        db, Membership, organisation_id=lead.organisation_id, row_id=membership_id, label="Member"
    )
    _refuse_removing_last_lead(db, membership)
    end_relations(db, lead=lead, user_id=membership.user_id, roles=(), context=context)
    audit.record(
        db,
        action="membership.removed",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={"user_id": str(membership.user_id)},
    )
    db.delete(membership)
    db.flush()

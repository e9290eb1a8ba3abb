"""Organisations and their members: roles and the champion flag (invitations: invitations.py)."""

import uuid
from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

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
    return member_reads(db, [membership])[0]


def member_reads(db: Session, memberships: Sequence[Membership]) -> list[MemberRead]:
    """Members with their roles, attributes and whether they can sign in, in four queries
    however many."""
    if not memberships:
        return []
    user_ids = [membership.user_id for membership in memberships]
    users = {user.id: user for user in db.exec(select(User).where(col(User.id).in_(user_ids)))}
    signing_in = set(db.exec(select(Identity.user_id).where(col(Identity.user_id).in_(user_ids))))
    membership_ids = [membership.id for membership in memberships]
    roles = roles_by_membership(db, membership_ids)
    attributes = attributes_by_membership(db, membership_ids)
    return [
        MemberRead(
            membership_id=membership.id,
            user_id=membership.user_id,
            email=users[membership.user_id].email,
            display_name=users[membership.user_id].display_name,
            roles=sorted(roles[membership.id]),
            is_champion=membership.is_champion,
            can_sign_in=membership.user_id in signing_in,
            attributes=attributes[membership.id],
        )
        for membership in memberships
    ]


def list_members(db: Session, *, member: Member, page: Page) -> list[MemberRead]:
    statement = scoped(Membership, member.organisation_id).order_by(
        col(Membership.created_at), col(Membership.id)
    )
    return member_reads(db, list(db.exec(page.of(statement))))


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

"""Members' attributes the organisation defines (locality, service...): replaced as a set
by a lead, read in batches with the members, and listed as the names and values in use."""

import uuid
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, bindparam
from sqlmodel import Session, col, select

from app.access import Member, load_scoped
from app.access.members import ids_among
from app.audit import service as audit
from app.audit.context import AuditContext
from app.models import MemberAttribute, Membership
from app.organisation.schemas import AttributeInUse, MemberAttributes
from app.schemas import Page

_OF = select(MemberAttribute.membership_id, MemberAttribute.name, MemberAttribute.value).order_by(
    col(MemberAttribute.name)
)
_OF_MANY = _OF.where(col(MemberAttribute.membership_id).in_(bindparam("ids", expanding=True)))


def attributes_by_membership(
    db: Session,
    membership_ids: Collection[uuid.UUID],
    *,
    selected_by: Select[Any] | None = None,
) -> dict[uuid.UUID, dict[str, str]]:
    """The attributes of each of these memberships, by name, in one query (none: empty).
    `selected_by`: as for `roles_by_membership`."""
    held: dict[uuid.UUID, dict[str, str]] = {key: {} for key in membership_ids}
    if held:
        if selected_by is None:
            rows = db.exec(_OF_MANY, params={"ids": list(held)})
        else:
            rows = db.exec(_OF.where(ids_among(MemberAttribute, selected_by)))
        for membership_id, name, value in rows:
            held[membership_id][name] = value
    return held


def replace_attributes(
    db: Session,
    *,
    lead: Member,
    membership_id: uuid.UUID,
    body: MemberAttributes,
    context: AuditContext,
) -> MemberAttributes:
    """The member's attributes become exactly those sent; audited with before and after."""
    membership = load_scoped(
        db, Membership, organisation_id=lead.organisation_id, row_id=membership_id, label="Member"
    )
    _lock(db, membership)
    before = attributes_by_membership(db, [membership.id])[membership.id]
    after = dict(sorted(body.attributes.items()))
    for row in db.exec(
        select(MemberAttribute).where(col(MemberAttribute.membership_id) == membership.id)
    ):
        db.delete(row)
    db.flush()
    db.add_all(
        MemberAttribute(
            organisation_id=lead.organisation_id,
            membership_id=membership.id,
            name=name,
            value=value,
        )
        for name, value in after.items()
    )
    audit.record(
        db,
        action="membership.attributes_updated",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user_id,
        context=context,
        details={"before": before, "after": after},
    )
    return MemberAttributes(attributes=after)


def _lock(db: Session, membership: Membership) -> None:
    """Two replacements of one member's set wait for each other (PostgreSQL: the row lock;
    SQLite: the first write takes the database's lock), instead of both inserting."""
    statement = select(col(Membership.id)).where(col(Membership.id) == membership.id)
    db.exec(statement.with_for_update()).one()


def attributes_in_use(db: Session, *, member: Member, page: Page) -> list[AttributeInUse]:
    """A page of attribute names the organisation's members hold, alphabetically, each with
    every value in use: two queries, however many names and values."""
    in_organisation = col(MemberAttribute.organisation_id) == member.organisation_id
    name = col(MemberAttribute.name)
    names = list(db.exec(page.of(select(name).where(in_organisation).distinct().order_by(name))))
    if not names:
        return []
    values: dict[str, list[str]] = defaultdict(list)
    pairs = (
        select(name, col(MemberAttribute.value))
        .where(in_organisation, name.in_(names))
        .distinct()
        .order_by(name, col(MemberAttribute.value))
    )
    for found_name, value in db.exec(pairs):
        values[found_name].append(value)
    return [AttributeInUse(name=found, values=values[found]) for found in names]

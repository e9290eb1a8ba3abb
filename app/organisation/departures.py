"""What a role change or a departure ends.

Assignments, second-rater assignments and access grants give access only while the person
holds the role they were given for (app/access/relations.py checks it on every request).
When a lead takes that role away, or removes the person, the rows go too, so adding them
back later (in any role) starts from nothing. What ended is audited.
"""

import uuid
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_
from sqlmodel import Session, col, or_

from app.access import Member, scoped
from app.access.relations import GRANTEE_ROLES, RATER_ROLES, STAFF_ROLE
from app.audit import service as audit
from app.audit.context import AuditContext
from app.models import Assignment, RecordingAccessGrant, Role, SecondRaterAssignment


def _assignments_ended(
    db: Session, organisation_id: uuid.UUID, user_id: uuid.UUID, roles: frozenset[Role]
) -> list[Assignment]:
    staff_kinds = [kind for kind, role in STAFF_ROLE.items() if role not in roles]
    as_staff = col(Assignment.staff_user_id) == user_id
    conditions: list[ColumnElement[bool]] = [and_(as_staff, col(Assignment.kind).in_(staff_kinds))]
    if Role.practitioner not in roles:
        conditions.append(col(Assignment.practitioner_user_id) == user_id)
    return list(db.exec(scoped(Assignment, organisation_id).where(or_(*conditions))))


def _rater_rows_ended(
    db: Session, organisation_id: uuid.UUID, user_id: uuid.UUID, roles: frozenset[Role]
) -> list[RecordingAccessGrant | SecondRaterAssignment]:
    ended: list[RecordingAccessGrant | SecondRaterAssignment] = []
    if not roles.intersection(GRANTEE_ROLES):
        grants = scoped(RecordingAccessGrant, organisation_id).where(
            RecordingAccessGrant.user_id == user_id
        )
        grants_ended: list[RecordingAccessGrant] = list(db.exec(grants))
        ended.extend(grants_ended)
    if not roles.intersection(RATER_ROLES):
        second = scoped(SecondRaterAssignment, organisation_id).where(
            SecondRaterAssignment.rater_user_id == user_id
        )
        second_ended: list[SecondRaterAssignment] = list(db.exec(second))
        ended.extend(second_ended)
    return ended


def end_relations(
    db: Session,
    *,
    lead: Member,
    user_id: uuid.UUID,
    roles: Iterable[Role],
    context: AuditContext,
) -> None:
    """End what `user_id` no longer holds a role for, keeping `roles` (none: they leave)."""
    kept = frozenset(roles)
    assignments = _assignments_ended(db, lead.organisation_id, user_id, kept)
    rater_rows = _rater_rows_ended(db, lead.organisation_id, user_id, kept)
    if not assignments and not rater_rows:
        return
    audit.record(
        db,
        action="membership.relations_ended",
        resource_type="user",
        resource_id=user_id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user_id,
        context=context,
        details={
            "roles_kept": sorted(kept),
            "assignments": [str(row.id) for row in assignments],
            "access_grants": [
                str(row.recording_id) for row in rater_rows if isinstance(row, RecordingAccessGrant)
            ],
            "second_rater_of": [
                str(row.recording_id)
                for row in rater_rows
                if isinstance(row, SecondRaterAssignment)
            ],
        },
    )
    for row in (*assignments, *rater_rows):
        db.delete(row)
    db.flush()

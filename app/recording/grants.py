"""Access grants: a lead lets one more person (a coach or a lead) watch one recording.

A lead who grants themselves access must say why; the grant, its reason and who made it
are audited and shown to the practitioner with the recording. A grant counts only while
its holder is a coach or a lead of the organisation (app/access/relations.py), and it is
removed when they lose those roles or leave (app/organisation/service.py).
"""

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.access import Member, member_named, scoped
from app.access.recordings import RecordingAccess, require_manager
from app.access.relations import RATER_ROLES
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, NotFound, Unprocessable
from app.models import RecordingAccessGrant, Role
from app.recording.schemas import AccessGrantCreate, AccessGrantRead
from app.schemas import Page


def find_grant(
    db: Session, *, recording_id: uuid.UUID, user_id: uuid.UUID
) -> RecordingAccessGrant | None:
    statement = select(RecordingAccessGrant).where(
        RecordingAccessGrant.recording_id == recording_id,
        RecordingAccessGrant.user_id == user_id,
    )
    return db.exec(statement).first()


def _grantee(db: Session, *, lead: Member, user_id: uuid.UUID) -> Member:
    grantee = member_named(db, organisation_id=lead.organisation_id, user_id=user_id)
    if not grantee.has(*RATER_ROLES):
        raise Unprocessable(
            "user_id: must be a coach or lead of this organisation.", code="invalid_user"
        )
    return grantee


def grant_access(
    db: Session, *, access: RecordingAccess, body: AccessGrantCreate, context: AuditContext
) -> RecordingAccessGrant:
    """Let one more person see this recording's media. Leads only."""
    require_manager(access)
    lead, recording = access.member, access.recording
    grantee = _grantee(db, lead=lead, user_id=body.user_id)
    reason = body.reason.strip()
    if grantee.user_id == lead.user_id and not reason:
        raise Unprocessable(
            "reason: say why you need to watch this recording; the practitioner is shown it.",
            code="reason_required",
        )
    if find_grant(db, recording_id=recording.id, user_id=body.user_id) is not None:
        raise Conflict("This person already has access to the recording.", code="duplicate_grant")
    grant = RecordingAccessGrant(
        organisation_id=lead.organisation_id,
        recording_id=recording.id,
        user_id=body.user_id,
        granted_by_user_id=lead.user_id,
        reason=reason,
    )
    db.add(grant)
    db.flush()
    _audit_grant(db, lead, grant, "recording.access_granted", context)
    return grant


def list_grants(db: Session, *, access: RecordingAccess, page: Page) -> list[RecordingAccessGrant]:
    require_manager(access)
    statement = scoped(RecordingAccessGrant, access.member.organisation_id).where(
        RecordingAccessGrant.recording_id == access.recording.id
    )
    oldest_first = statement.order_by(
        col(RecordingAccessGrant.created_at), col(RecordingAccessGrant.id)
    )
    return list(db.exec(page.of(oldest_first)))


def revoke_access(
    db: Session, *, access: RecordingAccess, user_id: uuid.UUID, context: AuditContext
) -> None:
    require_manager(access)
    grant = find_grant(db, recording_id=access.recording.id, user_id=user_id)
    if grant is None:
        raise NotFound("Access grant not found.")
    _audit_grant(db, access.member, grant, "recording.access_revoked", context)
    db.delete(grant)
    db.flush()


def grants_shown(
    db: Session, *, member: Member, recordings: Sequence[tuple[uuid.UUID, uuid.UUID]]
) -> dict[uuid.UUID, list[AccessGrantRead]]:
    """Grants on these (recording id, owner id) pairs, for those the member owns or
    manages, in one query: the practitioner sees who was let in and why."""
    shown = [rid for rid, owner in recordings if owner == member.user_id or member.has(Role.lead)]
    result: dict[uuid.UUID, list[AccessGrantRead]] = {rid: [] for rid in shown}
    if not shown:
        return result
    statement = (
        select(RecordingAccessGrant)
        .where(col(RecordingAccessGrant.recording_id).in_(shown))
        .order_by(col(RecordingAccessGrant.created_at))
    )
    for grant in db.exec(statement):
        result[grant.recording_id].append(
            AccessGrantRead.model_validate(grant, from_attributes=True)
        )
    return result


def _audit_grant(
    db: Session, lead: Member, grant: RecordingAccessGrant, action: str, context: AuditContext
) -> None:
    audit.record(
        db,
        action=action,
        resource_type="recording",
        resource_id=grant.recording_id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user_id,
        context=context,
        details={
            "user_id": str(grant.user_id),
            "self_granted": grant.user_id == lead.user_id,
            "reason": grant.reason,
        },
    )

"""Access grants: a lead lets one more person (a coach, a lead or a guest reviewer) watch
one recording, until a date if they choose; for a guest the date is required.

A lead who grants themselves access must say why; the grant, its reason and who made it
are audited and shown to the practitioner with the recording. A grant counts only while
its holder holds a role that may receive one and until it expires
(app/access/relations.py), and it is removed when they lose those roles or leave
(app/organisation/departures.py). Granting the same person again sets new terms (a later
or earlier end, a new reason): that is how a lead extends a guest's access.

A guest reviewer is someone from outside the organisation, so the family's consent must
cover showing the recording beyond their coaching: only the scope "coaching_and_training"
does; a recording consented for coaching only is refused (409 naming `consent`).
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.access import Member, member_named, scoped
from app.access.recordings import RecordingAccess, require_manager
from app.access.relations import GRANTEE_ROLES, unexpired_grant
from app.audit import service as audit
from app.audit.context import AuditContext
from app.errors import Conflict, NotFound, Unprocessable, naming_field
from app.models import ConsentRecord, Recording, RecordingAccessGrant, Role
from app.models.base import utcnow
from app.models.recording import ConsentScope
from app.recording.schemas import AccessGrantCreate, AccessGrantRead
from app.schemas import Page

LONGEST_GRANT = timedelta(days=365)
"""How far ahead a grant may end: a guest is asked back for a review, not for good."""

GUEST_CONSENT_SCOPES = frozenset({ConsentScope.coaching_and_training})
"""Consent that covers showing a recording to an expert from outside the organisation:
"coaching" is consent for the practitioner's own coaching only."""


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
    if not grantee.has(*GRANTEE_ROLES):
        raise naming_field(
            Unprocessable,
            "user_id",
            "must be a coach, lead or guest reviewer of this organisation.",
            code="invalid_user",
        )
    return grantee


def _check_expiry(grantee: Member, expires_at: datetime | None) -> None:
    if expires_at is None:
        if grantee.has(Role.guest):
            raise naming_field(
                Unprocessable,
                "expires_at",
                "a guest reviewer's access needs an end date.",
                code="expiry_required",
            )
        return
    now = utcnow()
    if expires_at <= now:
        raise naming_field(
            Unprocessable, "expires_at", "must be in the future.", code="expiry_in_past"
        )
    if expires_at > now + LONGEST_GRANT:
        raise naming_field(
            Unprocessable,
            "expires_at",
            "must be at most 365 days from now.",
            code="expiry_too_far",
        )


def _check_consent(db: Session, *, grantee: Member, recording: Recording) -> None:
    if not grantee.has(Role.guest):
        return
    consent = db.exec(
        select(ConsentRecord).where(ConsentRecord.recording_id == recording.id)
    ).first()
    scope = consent.scope if consent is not None and consent.withdrawn_at is None else None
    if scope not in GUEST_CONSENT_SCOPES:
        raise naming_field(
            Conflict,
            "consent",
            "the family's consent does not cover showing this recording to a guest "
            "reviewer: only consent for coaching and training does.",
            code="consent_excludes_guests",
        )


def grant_access(
    db: Session, *, access: RecordingAccess, body: AccessGrantCreate, context: AuditContext
) -> tuple[RecordingAccessGrant, bool]:
    """Let one more person see this recording's media, or set new terms for the grant they
    hold (an extended end, a new reason); whether the grant is new. Leads only."""
    require_manager(access)
    lead, recording = access.member, access.recording
    grantee = _grantee(db, lead=lead, user_id=body.user_id)
    reason = body.reason.strip()
    if grantee.user_id == lead.user_id and not reason:
        raise naming_field(
            Unprocessable,
            "reason",
            "say why you need to watch this recording; the practitioner is shown it.",
            code="reason_required",
        )
    _check_expiry(grantee, body.expires_at)
    _check_consent(db, grantee=grantee, recording=recording)
    grant = find_grant(db, recording_id=recording.id, user_id=body.user_id)
    created = grant is None
    if grant is None:
        grant = RecordingAccessGrant(
            organisation_id=lead.organisation_id, recording_id=recording.id, user_id=body.user_id
        )
    grant.granted_by_user_id = lead.user_id
    grant.reason = reason
    grant.expires_at = body.expires_at
    db.add(grant)
    db.flush()
    action = "recording.access_granted" if created else "recording.access_changed"
    _audit_grant(db, lead, grant, action, context)
    return grant, created


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
    """Grants that still count on these (recording id, owner id) pairs, for those the
    member owns or manages, in one query: the practitioner sees who may watch and why."""
    shown = [rid for rid, owner in recordings if owner == member.user_id or member.has(Role.lead)]
    result: dict[uuid.UUID, list[AccessGrantRead]] = {rid: [] for rid in shown}
    if not shown:
        return result
    statement = (
        select(RecordingAccessGrant)
        .where(col(RecordingAccessGrant.recording_id).in_(shown), unexpired_grant())
        .order_by(col(RecordingAccessGrant.created_at))
    )
    for grant in db.exec(statement):
        result[grant.recording_id].append(
            AccessGrantRead.model_validate(grant, from_attributes=True)
        )
    return result


def own_grant_expiries(
    db: Session, *, member: Member, recording_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """When this member's own grants on these recordings end, for those that still count
    and have an end, in one query: a guest reviewer is shown until when they may watch."""
    if not recording_ids or not member.has(*GRANTEE_ROLES):
        return {}
    statement = select(RecordingAccessGrant.recording_id, RecordingAccessGrant.expires_at).where(
        RecordingAccessGrant.organisation_id == member.organisation_id,
        RecordingAccessGrant.user_id == member.user_id,
        col(RecordingAccessGrant.recording_id).in_(recording_ids),
        col(RecordingAccessGrant.expires_at).is_not(None),
        unexpired_grant(),
    )
    return {
        recording_id: expires_at
        for recording_id, expires_at in db.exec(statement)
        if expires_at is not None
    }


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
            "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
        },
    )

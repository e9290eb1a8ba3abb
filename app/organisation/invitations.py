"""Inviting people: an invitation holds the email, roles and champion flag a lead chose.

Nobody joins by being invited. The membership is made when the invitee accepts
(`app.auth.invitations`), and nothing a lead sees of an invitation depends on whether
the email already has an account elsewhere.
"""

import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlmodel import Session, col, select

from app.access import Member, load_scoped, roles_of, scoped
from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth import service as auth_service
from app.auth.tokens import hash_secret, new_secret
from app.config import Settings
from app.errors import Conflict, NotFound, naming_field
from app.models import Identity, Invitation, Membership, MembershipRole, Role, User
from app.models.base import utcnow
from app.organisation.schemas import InvitationIssued, InvitationRead, MemberInvite
from app.organisation.service import check_roles
from app.schemas import Page


def invite_member(
    db: Session, *, lead: Member, body: MemberInvite, context: AuditContext, settings: Settings
) -> InvitationIssued:
    """Invite an email with the roles chosen; inviting again replaces the pending link."""
    check_roles(body.roles, body.is_champion)
    email = auth_service.normalise_email(body.email)
    if member_with_email(db, organisation_id=lead.organisation_id, email=email) is not None:
        message = "already a member of this organisation."
        raise naming_field(Conflict, "email", message, code="already_member")
    return issue(
        db,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        email=email,
        display_name=body.display_name,
        roles=body.roles,
        is_champion=body.is_champion,
        context=context,
        settings=settings,
    )


def invite_existing_member(
    db: Session,
    *,
    lead: Member,
    membership_id: uuid.UUID,
    context: AuditContext,
    settings: Settings,
) -> InvitationIssued:
    """A link for a member who has no way to sign in yet: it sets their password."""
    membership = load_scoped(
        db, Membership, organisation_id=lead.organisation_id, row_id=membership_id, label="Member"
    )
    user = db.get(User, membership.user_id)
    assert user is not None
    if db.exec(select(Identity.id).where(Identity.user_id == user.id)).first() is not None:
        raise Conflict(f"{user.email} can already sign in.", code="already_signed_up")
    return issue(
        db,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        email=user.email,
        display_name=user.display_name,
        roles=roles_of(db, membership.id),
        is_champion=membership.is_champion,
        context=context,
        settings=settings,
    )


def issue(
    db: Session,
    *,
    organisation_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    email: str,
    display_name: str,
    roles: Iterable[Role],
    is_champion: bool,
    context: AuditContext,
    settings: Settings,
) -> InvitationIssued:
    """Invite `email` (normalised) with these roles, from a lead or, with no actor, from
    the command line that creates an organisation and its first lead."""
    # A new token every time: an earlier link to a pending invitation stops working.
    token = new_secret()
    pending = _pending(db, organisation_id=organisation_id, email=email)
    invitation = pending or Invitation(
        organisation_id=organisation_id, email=email, token_hash=hash_secret(token)
    )
    invitation.token_hash = hash_secret(token)
    invitation.expires_at = utcnow() + timedelta(days=settings.invitation_days)
    invitation.created_by_user_id = actor_user_id
    invitation.display_name = display_name
    invitation.roles = sorted(set(roles))
    invitation.is_champion = is_champion
    db.add(invitation)
    db.flush()
    audit.record(
        db,
        action="invitation.reissued" if pending else "invitation.created",
        resource_type="invitation",
        resource_id=invitation.id,
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        context=context,
        details={"email": email, "roles": invitation.roles, "is_champion": is_champion},
    )
    emailed = bool(settings.smtp_host)
    # Emailed, the link goes to the invitee alone: a lead holding it could ask it whether
    # the address already has an account somewhere. Without email the lead must pass it on.
    url = f"{settings.public_url.rstrip('/')}/#/invitation/{token}"
    issued = InvitationIssued(
        invitation=invitation_read(invitation),
        invitation_url=None if emailed else url,
        invitation_emailed=emailed,
    )
    issued._link = url
    return issued


def invitation_read(invitation: Invitation) -> InvitationRead:
    return InvitationRead(
        id=invitation.id,
        email=invitation.email,
        display_name=invitation.display_name,
        roles=sorted(invitation.roles),
        is_champion=invitation.is_champion,
        invited_by_user_id=invitation.created_by_user_id,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


def list_invitations(db: Session, *, lead: Member, page: Page) -> list[InvitationRead]:
    statement = (
        scoped(Invitation, lead.organisation_id)
        .where(col(Invitation.used_at).is_(None))
        .order_by(col(Invitation.created_at), col(Invitation.id))
    )
    return [invitation_read(invitation) for invitation in db.exec(page.of(statement))]


def withdraw_invitation(
    db: Session, *, lead: Member, invitation_id: uuid.UUID, context: AuditContext
) -> None:
    invitation = load_scoped(
        db,
        Invitation,
        organisation_id=lead.organisation_id,
        row_id=invitation_id,
        label="Invitation",
    )
    if invitation.used_at is not None:
        raise NotFound("Invitation not found.")
    audit.record(
        db,
        action="invitation.withdrawn",
        resource_type="invitation",
        resource_id=invitation.id,
        organisation_id=lead.organisation_id,
        actor_user_id=lead.user.id,
        context=context,
        details={"email": invitation.email},
    )
    db.delete(invitation)
    db.flush()


def join(db: Session, *, invitation: Invitation, user: User, context: AuditContext) -> Membership:
    """The membership the invitee accepted, with the roles the lead chose (a membership
    they already hold, from before invitations carried roles, stays as it is)."""
    existing = db.exec(
        scoped(Membership, invitation.organisation_id).where(Membership.user_id == user.id)
    ).first()
    if existing is not None:
        return existing
    membership = Membership(
        organisation_id=invitation.organisation_id,
        user_id=user.id,
        is_champion=invitation.is_champion,
    )
    db.add(membership)
    db.flush()
    db.add_all(MembershipRole(membership_id=membership.id, role=role) for role in invitation.roles)
    db.flush()
    audit.record(
        db,
        action="membership.created",
        resource_type="membership",
        resource_id=membership.id,
        organisation_id=invitation.organisation_id,
        actor_user_id=user.id,
        context=context,
        details={
            "email": user.email,
            "roles": sorted(invitation.roles),
            "is_champion": invitation.is_champion,
            "invitation_id": str(invitation.id),
            "invited_by_user_id": (
                str(invitation.created_by_user_id) if invitation.created_by_user_id else None
            ),
        },
    )
    return membership


def _pending(db: Session, *, organisation_id: uuid.UUID, email: str) -> Invitation | None:
    statement = scoped(Invitation, organisation_id).where(
        Invitation.email == email, col(Invitation.used_at).is_(None)
    )
    return db.exec(statement.order_by(col(Invitation.created_at).desc())).first()


def member_with_email(db: Session, *, organisation_id: uuid.UUID, email: str) -> Membership | None:
    statement = (
        scoped(Membership, organisation_id)
        .join(User, col(User.id) == Membership.user_id)
        .where(User.email == email)
    )
    return db.exec(statement).first()

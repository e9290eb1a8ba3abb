"""Accepting an invitation: the invitee shows the account is theirs, then joins.

Someone new chooses a password. Someone who already has an account shows it is theirs:
signed in as it, or with its current password (which stays as it is). A lead holds the
link too, so a link alone never sets the password of an account that exists.
"""

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth import service
from app.auth.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationPreview,
    InvitationProof,
)
from app.auth.tokens import hash_secret
from app.config import Settings
from app.errors import Gone, NotFound, Unauthorized, Unprocessable
from app.models import Identity, Invitation, Membership, Organisation, User
from app.models.base import utcnow
from app.organisation import invitations as organisation_invitations


def usable_invitation(db: Session, token: str, *, lock: bool = False) -> Invitation:
    statement = select(Invitation).where(Invitation.token_hash == hash_secret(token))
    invitation = db.exec(statement.with_for_update() if lock else statement).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.", code="invitation_not_found")
    if invitation.used_at is not None:
        raise Gone("This invitation link has already been used.", code="invitation_used")
    if invitation.expires_at <= utcnow():
        raise Gone(
            "This invitation link has expired; ask your lead for a new one.",
            code="invitation_expired",
        )
    return invitation


def account_and_proof(db: Session, invitation: Invitation) -> tuple[User | None, InvitationProof]:
    """The account the invitation's email belongs to, if any, and how its holder shows it
    is theirs. An account that never signed in and belongs nowhere else is as good as new;
    one that belongs elsewhere must not be taken over by whoever holds this link."""
    user = service.find_user_by_email(db, invitation.email)
    if user is None:
        return None, InvitationProof.new_password
    if service.password_identity(db, user.id) is not None:
        return user, InvitationProof.current_password
    signs_in = db.exec(select(Identity.id).where(Identity.user_id == user.id)).first()
    member_elsewhere = db.exec(
        select(Membership.id).where(
            Membership.user_id == user.id,
            col(Membership.organisation_id) != invitation.organisation_id,
        )
    ).first()
    if signs_in is not None or member_elsewhere is not None:
        return user, InvitationProof.sign_in
    return user, InvitationProof.new_password


def preview(db: Session, *, token: str) -> InvitationPreview:
    """What the invitee needs to decide: who invites them where, and what to enter."""
    invitation = usable_invitation(db, token)
    organisation = db.get(Organisation, invitation.organisation_id)
    assert organisation is not None  # the invitation goes with its organisation
    inviter = db.get(User, invitation.created_by_user_id) if invitation.created_by_user_id else None
    _, proof = account_and_proof(db, invitation)
    return InvitationPreview(
        organisation_name=organisation.name,
        email=invitation.email,
        display_name=invitation.display_name,
        invited_by_name=(inviter.display_name or inviter.email) if inviter else None,
        proof=proof,
        expires_at=invitation.expires_at,
    )


def accept(
    db: Session,
    *,
    token: str,
    body: InvitationAccept,
    signed_in: User | None,
    engine: Engine,
    context: AuditContext,
    settings: Settings,
) -> InvitationAccepted:
    """Join the organisation with the roles the lead chose, once the account is shown to be
    the invitee's; a wrong password leaves the invitation as it was."""
    invitation = usable_invitation(db, token, lock=True)
    user, proof = account_and_proof(db, invitation)
    if user is None or signed_in is None or signed_in.id != user.id:
        user = _proven_account(
            db,
            invitation=invitation,
            user=user,
            proof=proof,
            body=body,
            engine=engine,
            context=context,
            settings=settings,
        )
    invitation.used_at = utcnow()
    db.add(invitation)
    membership = organisation_invitations.join(
        db, invitation=invitation, user=user, context=context
    )
    audit.record(
        db,
        action="auth.invitation_accepted",
        resource_type="user",
        resource_id=user.id,
        organisation_id=invitation.organisation_id,
        actor_user_id=user.id,
        context=context,
        details={"invitation_id": str(invitation.id), "membership_id": str(membership.id)},
    )
    organisation = db.get(Organisation, invitation.organisation_id)
    assert organisation is not None
    return InvitationAccepted(
        user_id=str(user.id),
        email=user.email,
        organisation_id=str(organisation.id),
        organisation_name=organisation.name,
        membership_id=str(membership.id),
    )


def _proven_account(
    db: Session,
    *,
    invitation: Invitation,
    user: User | None,
    proof: InvitationProof,
    body: InvitationAccept,
    engine: Engine,
    context: AuditContext,
    settings: Settings,
) -> User:
    if proof == InvitationProof.new_password:
        return _new_account(db, invitation=invitation, user=user, body=body)
    assert user is not None
    if proof == InvitationProof.sign_in:
        raise Unauthorized(
            f"Sign in to Tandem as {invitation.email}, then open this link again to join.",
            code="sign_in_required",
        )
    if body.password is None:
        raise _password_required(f"Enter the password of your Tandem account ({user.email}).")
    _check_current_password(
        db, user=user, password=body.password, engine=engine, context=context, settings=settings
    )
    return user


def _check_current_password(
    db: Session,
    *,
    user: User,
    password: str,
    engine: Engine,
    context: AuditContext,
    settings: Settings,
) -> None:
    # The link is a way to guess the account's password: it goes through sign-in's check,
    # throttle included.
    try:
        service.authenticate(
            db,
            email=user.email,
            password=password,
            engine=engine,
            context=context,
            settings=settings,
        )
    except Unauthorized:
        raise Unauthorized(
            f"That is not the password of your Tandem account ({user.email}). "
            "Your invitation still works: try again.",
            code="wrong_password",
        ) from None


def _new_account(
    db: Session, *, invitation: Invitation, user: User | None, body: InvitationAccept
) -> User:
    if body.password is None:
        raise _password_required("Choose a password for your Tandem account.")
    if user is None:
        user = User(email=invitation.email, display_name=invitation.display_name)
    if body.display_name:
        user.display_name = body.display_name
    db.add(user)
    db.flush()
    service.set_password(db, user=user, password=body.password)
    return user


def _password_required(message: str) -> Unprocessable:
    return Unprocessable(
        message,
        code="password_required",
        extra={"fields": [{"field": "password", "message": message}]},
    )

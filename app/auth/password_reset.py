"""Forgotten passwords: a one-time, short-lived link by email, and a reset that ends every
sign-in of that person.

Asking answers the same whether or not the address has an account (nothing tells a
stranger who uses Tandem), and only accounts that sign in with a password get a link: an
account that signs in through the organisation's identity provider keeps doing so. Asking
again within a minute sends nothing more; a new link replaces the earlier one.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select, update

from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth import service
from app.auth.tokens import hash_secret, new_secret
from app.config import Settings
from app.errors import Gone, NotFound
from app.models import AuthSession, PasswordReset, User
from app.models.base import utcnow

RESEND_AFTER = timedelta(minutes=1)
"""Asking again sooner sends nothing: a form pressed twice, or someone filling an inbox."""


@dataclass(frozen=True)
class ResetLink:
    email: str
    url: str


def request_reset(
    db: Session, *, email: str, settings: Settings, context: AuditContext
) -> ResetLink | None:
    """A new link for the account with this address, if it signs in with a password (None
    otherwise, and when one was sent less than a minute ago)."""
    user = service.find_user_by_email(db, email)
    if user is None or not user.is_active or service.password_identity(db, user.id) is None:
        return None
    now = utcnow()
    earlier = db.exec(
        select(PasswordReset).where(
            col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None)
        )
    ).all()
    if any(reset.created_at > now - RESEND_AFTER for reset in earlier):
        return None
    for reset in earlier:  # only the newest link works
        db.delete(reset)
    token = new_secret()
    reset = PasswordReset(
        user_id=user.id,
        token_hash=hash_secret(token),
        expires_at=now + timedelta(minutes=settings.password_reset_minutes),
    )
    db.add(reset)
    db.flush()
    _audit(db, "auth.password_reset_requested", user, context)
    return ResetLink(user.email, f"{settings.public_url.rstrip('/')}/#/reset-password/{token}")


def usable_reset(db: Session, token: str, *, lock: bool = False) -> tuple[PasswordReset, User]:
    """The reset this link is for: 404 for a link that never was (or was replaced), 410 for
    one used or expired."""
    statement = select(PasswordReset).where(PasswordReset.token_hash == hash_secret(token))
    reset = db.exec(statement.with_for_update() if lock else statement).first()
    user = db.get(User, reset.user_id) if reset is not None else None
    if reset is None or user is None or not user.is_active:
        raise NotFound("This password reset link is not valid.", code="reset_not_found")
    if reset.used_at is not None:
        raise Gone("This password reset link has been used already.", code="reset_used")
    if reset.expires_at <= utcnow():
        raise Gone("This password reset link has expired; ask for a new one.", code="reset_expired")
    return reset, user


def reset_password(db: Session, *, token: str, password: str, context: AuditContext) -> User:
    """Set the new password (the usual policy) and end every sign-in of the account: whoever
    knew the old password, or holds a session on a lost phone, is out."""
    reset, user = usable_reset(db, token, lock=True)
    service.set_password(db, user=user, password=password)
    now = utcnow()
    reset.used_at = now
    db.add(reset)
    ended = db.exec(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user.id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    _audit(db, "auth.password_reset", user, context, sign_ins_ended=ended.rowcount)
    return user


def _audit(db: Session, action: str, user: User, context: AuditContext, **details: object) -> None:
    audit.record(
        db,
        action=action,
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        context=context,
        details=dict(details),
    )

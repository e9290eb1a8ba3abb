"""Accounts and their passwords: finding people, setting a password, checking one.

What happens to a sign-in once made is in app/auth/sessions.py."""

import uuid

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit.context import AuditContext
from app.auth import throttle
from app.auth.passwords import check_new_password, hash_password, verify_password
from app.config import Settings
from app.errors import Unauthorized
from app.models import Identity, User
from app.models.identity import IdentityKind

LOCAL_ISSUER = "local"
GENERIC_LOGIN_FAILURE = "Incorrect email or password."


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def password_identity(session: Session, user_id: uuid.UUID) -> Identity | None:
    statement = select(Identity).where(
        Identity.user_id == user_id, Identity.kind == IdentityKind.password
    )
    return session.exec(statement).first()


def set_password(session: Session, *, user: User, password: str) -> None:
    """Every way of choosing a password comes here, so the policy holds for all of them."""
    check_new_password(password, email=user.email, display_name=user.display_name)
    identity = password_identity(session, user.id) or Identity(
        user_id=user.id, kind=IdentityKind.password, issuer=LOCAL_ISSUER, subject=str(user.id)
    )
    identity.password_hash = hash_password(password)
    session.add(identity)
    session.flush()


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    engine: Engine,
    context: AuditContext,
    settings: Settings,
) -> User:
    """The user these credentials belong to; throttles every attempt (the counters live in
    their own transactions on `engine`, so a failure counts even though this one rolls back)."""
    keys = throttle.keys_for(email=email, address=context.ip_address)
    throttle.check_allowed(engine, keys, settings)
    user = find_user_by_email(session, email)
    identity = password_identity(session, user.id) if user else None
    valid = verify_password(password, identity.password_hash if identity else None)
    if user is None or not valid or not user.is_active:
        throttle.record_failure(engine, keys, settings)
        raise Unauthorized(GENERIC_LOGIN_FAILURE, code="invalid_credentials")
    throttle.record_success(engine, keys)
    return user

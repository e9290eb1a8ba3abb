"""Signing in and out: password checks, sessions, access tokens."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth import throttle
from app.auth.passwords import hash_password, verify_password
from app.auth.tokens import hash_secret, issue_access_token, new_secret
from app.config import Settings
from app.errors import Unauthorized
from app.models import AuthSession, Identity, User
from app.models.base import utcnow
from app.models.identity import IdentityKind, SessionKind

LOCAL_ISSUER = "local"
GENERIC_LOGIN_FAILURE = "Incorrect email or password."


@dataclass(frozen=True)
class NewSession:
    auth_session: AuthSession
    secret: str


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
    keys = throttle.throttle_keys(email=email, address=context.ip_address)
    throttle.check_allowed(engine, keys, settings)
    user = find_user_by_email(session, email)
    identity = password_identity(session, user.id) if user else None
    valid = verify_password(password, identity.password_hash if identity else None)
    if user is None or not valid or not user.is_active:
        throttle.record_failure(engine, keys, settings)
        raise Unauthorized(GENERIC_LOGIN_FAILURE, code="invalid_credentials")
    throttle.clear(engine, keys[:1])
    return user


def start_session(
    session: Session, *, user: User, kind: SessionKind, context: AuditContext, settings: Settings
) -> NewSession:
    secret = new_secret()
    lifetime = (
        timedelta(days=settings.refresh_token_days)
        if kind == SessionKind.api
        else timedelta(hours=settings.browser_session_hours)
    )
    auth_session = AuthSession(
        user_id=user.id,
        kind=kind,
        secret_hash=hash_secret(secret),
        csrf_token=new_secret() if kind == SessionKind.browser else None,
        expires_at=utcnow() + lifetime,
        ip_address=context.ip_address,
        user_agent=context.user_agent or "",
    )
    session.add(auth_session)
    session.flush()
    audit.record(
        session,
        action="auth.sign_in",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        context=context,
        details={"session_kind": kind},
    )
    return NewSession(auth_session=auth_session, secret=secret)


def access_token_for(auth_session: AuthSession, settings: Settings) -> tuple[str, int]:
    lifetime = timedelta(minutes=settings.access_token_minutes)
    token, _ = issue_access_token(
        secret_key=settings.secret_key,
        user_id=auth_session.user_id,
        session_id=auth_session.id,
        lifetime=lifetime,
    )
    return token, int(lifetime.total_seconds())


def active_session_by_secret(
    session: Session, secret: str, kind: SessionKind
) -> AuthSession | None:
    found = session.exec(
        select(AuthSession).where(AuthSession.secret_hash == hash_secret(secret))
    ).first()
    if found is None or found.kind != kind or not is_active(found):
        return None
    return found


def is_active(auth_session: AuthSession) -> bool:
    return auth_session.revoked_at is None and auth_session.expires_at > utcnow()


def rotate_refresh_token(session: Session, *, refresh_token: str) -> NewSession:
    """Exchange a refresh token for a new one; the old one stops working."""
    auth_session = active_session_by_secret(session, refresh_token, SessionKind.api)
    if auth_session is None:
        raise Unauthorized("The refresh token is invalid or has expired.", code="invalid_token")
    secret = new_secret()
    auth_session.secret_hash = hash_secret(secret)
    session.add(auth_session)
    session.flush()
    return NewSession(auth_session=auth_session, secret=secret)


def revoke(session: Session, *, auth_session: AuthSession, context: AuditContext) -> None:
    auth_session.revoked_at = utcnow()
    session.add(auth_session)
    audit.record(
        session,
        action="auth.sign_out",
        resource_type="user",
        resource_id=auth_session.user_id,
        actor_user_id=auth_session.user_id,
        context=context,
    )

"""Sign-ins (AuthSession rows) over their life: start, use, timeouts, refresh, sign-out.

A sign-in ends when revoked, `session_idle_minutes` after it was last used, or at its
absolute end (the kind's lifetime, capped by `session_absolute_hours`). Each request
checks the row, so every app process agrees at once.

An API sign-in's refresh tokens form one family: the row holds the current token's hash
and the one it replaced. A replaced token presented again, whether a moment after a
concurrent refresh won or a week later, was copied: the sign-in ends, as the OAuth 2.0
Security BCP advises (RFC 9700, 4.14.2: the server cannot tell which holder is the thief).
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth.tokens import hash_secret, issue_access_token, new_secret
from app.config import Settings
from app.errors import Unauthorized
from app.models import AuthSession, User
from app.models.base import utcnow
from app.models.identity import SessionKind

# Use is written at most this often, so that reads stay reads.
USE_RESOLUTION = timedelta(minutes=1)


class _Refresh(enum.Enum):
    rotated = "rotated"
    spent = "spent"  # a replaced token, or one a concurrent refresh replaced first
    ended = "ended"  # spent, so the sign-in was ended just now
    refused = "refused"  # unknown, not an API sign-in, or no longer active


@dataclass(frozen=True)
class NewSession:
    auth_session: AuthSession
    secret: str


def lifetime(kind: SessionKind, settings: Settings) -> timedelta:
    by_kind = (
        timedelta(days=settings.refresh_token_days)
        if kind == SessionKind.api
        else timedelta(hours=settings.browser_session_hours)
    )
    return min(by_kind, timedelta(hours=settings.session_absolute_hours))


def start_session(
    db: Session, *, user: User, kind: SessionKind, context: AuditContext, settings: Settings
) -> NewSession:
    secret = new_secret()
    now = utcnow()
    auth_session = AuthSession(
        user_id=user.id,
        kind=kind,
        secret_hash=hash_secret(secret),
        csrf_token=new_secret() if kind == SessionKind.browser else None,
        created_at=now,
        last_used_at=now,
        expires_at=now + lifetime(kind, settings),
        ip_address=context.ip_address,
        user_agent=context.user_agent or "",
    )
    db.add(auth_session)
    db.flush()
    audit.record(
        db,
        action="auth.sign_in",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        context=context,
        details={"session_kind": kind},
    )
    return NewSession(auth_session=auth_session, secret=secret)


def access_token_for(auth_session: AuthSession, settings: Settings) -> tuple[str, int]:
    token_lifetime = timedelta(minutes=settings.access_token_minutes)
    token, _ = issue_access_token(
        secret_key=settings.secret_key,
        user_id=auth_session.user_id,
        session_id=auth_session.id,
        lifetime=token_lifetime,
    )
    return token, int(token_lifetime.total_seconds())


def is_active(auth_session: AuthSession, *, settings: Settings, now: datetime) -> bool:
    # The absolute cap is read from the settings, not only from expires_at, so lowering
    # it also ends the sign-ins made before.
    absolute_end = auth_session.created_at + timedelta(hours=settings.session_absolute_hours)
    idle_end = auth_session.last_used_at + timedelta(minutes=settings.session_idle_minutes)
    return (
        auth_session.revoked_at is None
        and now < auth_session.expires_at
        and now < absolute_end
        and now < idle_end
    )


def active_session_by_secret(
    db: Session, *, secret: str, kind: SessionKind, settings: Settings
) -> AuthSession | None:
    found = db.exec(
        select(AuthSession).where(AuthSession.secret_hash == hash_secret(secret))
    ).first()
    if found is None or found.kind != kind or not is_active(found, settings=settings, now=utcnow()):
        return None
    return found


def mark_used(db: Session, *, auth_session: AuthSession, now: datetime | None = None) -> None:
    """Note that the sign-in was used (for the idle timeout), at most once a minute.

    On the request's own connection (a second one per request would let a crowd hold
    every connection while waiting for another), committed at once, before the request
    does anything else: left to the request's end, the write would hold the row
    (PostgreSQL) or the whole database's write lock (SQLite) for as long as the request
    runs, and a report taking seconds made every other write meanwhile wait and fail.
    Nothing of the request is pending yet: signing in comes first."""
    now = now or utcnow()
    if auth_session.last_used_at > now - USE_RESOLUTION:
        return
    statement = (
        update(AuthSession)
        .where(col(AuthSession.id) == auth_session.id)
        .where(col(AuthSession.last_used_at) <= now - USE_RESOLUTION)
        .values(last_used_at=now)
    )
    db.exec(statement)
    db.commit()


def rotate_refresh_token(
    db: Session,
    *,
    refresh_token: str,
    engine: Engine,
    context: AuditContext,
    settings: Settings,
) -> NewSession:
    """Exchange a refresh token for a new one; the old one is spent, and presenting it
    again ends the sign-in (its access tokens stop at once).

    Decided in a short transaction of its own, like the login throttle's counters: a
    refused refresh answers 401 and its request rolls back, but the sign-in it ended must
    stay ended."""
    presented = hash_secret(refresh_token)
    secret = new_secret()
    with Session(engine, expire_on_commit=False) as own:
        found = own.exec(
            select(AuthSession).where(
                (col(AuthSession.secret_hash) == presented)
                | (col(AuthSession.previous_secret_hash) == presented)
            )
        ).first()
        outcome = _rotate(own, found, presented, hash_secret(secret), settings)
        if outcome == _Refresh.spent and found is not None:
            outcome = _end_after_reuse(own, found, context)
        own.commit()
    if outcome == _Refresh.ended:
        raise Unauthorized(
            "This refresh token had already been used, so this sign-in has been ended to "
            "protect the account. Sign in again.",
            code="refresh_token_reused",
        )
    if outcome != _Refresh.rotated or found is None:
        raise Unauthorized("The refresh token is invalid or has expired.", code="invalid_token")
    auth_session = db.get(AuthSession, found.id, populate_existing=True)
    assert auth_session is not None  # rotated a moment ago; sign-ins are never deleted
    return NewSession(auth_session=auth_session, secret=secret)


def _rotate(
    own: Session,
    found: AuthSession | None,
    presented: str,
    replacement: str,
    settings: Settings,
) -> _Refresh:
    if found is None or found.kind != SessionKind.api:
        return _Refresh.refused
    if found.secret_hash != presented:
        return _Refresh.spent
    now = utcnow()
    if not is_active(found, settings=settings, now=now):
        return _Refresh.refused
    # Conditional on the token still being current: of several refreshes with one token,
    # exactly one changes the row; the others find it spent.
    statement = (
        update(AuthSession)
        .where(col(AuthSession.id) == found.id)
        .where(col(AuthSession.secret_hash) == presented)
        .where(col(AuthSession.revoked_at).is_(None))
        .values(secret_hash=replacement, previous_secret_hash=presented, last_used_at=now)
    )
    return _Refresh.rotated if own.exec(statement).rowcount == 1 else _Refresh.spent


def _end_after_reuse(own: Session, found: AuthSession, context: AuditContext) -> _Refresh:
    statement = (
        update(AuthSession)
        .where(col(AuthSession.id) == found.id)
        .where(col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    if own.exec(statement).rowcount != 1:
        return _Refresh.refused  # ended already: nothing more to do or to record
    audit.record(
        own,
        action="auth.refresh_token_reused",
        resource_type="user",
        resource_id=found.user_id,
        context=context,
        details={"session_id": str(found.id)},
    )
    return _Refresh.ended


def revoke(db: Session, *, auth_session: AuthSession, context: AuditContext) -> None:
    auth_session.revoked_at = utcnow()
    db.add(auth_session)
    audit.record(
        db,
        action="auth.sign_out",
        resource_type="user",
        resource_id=auth_session.user_id,
        actor_user_id=auth_session.user_id,
        context=context,
    )

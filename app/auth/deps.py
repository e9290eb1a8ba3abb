"""Who is calling: a bearer access token (API clients) or the PWA's session cookie."""

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam
from sqlmodel import col, select

from app.auth import sessions
from app.auth.tokens import read_access_token
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.errors import Forbidden, Unauthorized
from app.models import AuthSession, User
from app.models.base import utcnow
from app.models.identity import SessionKind

SESSION_COOKIE = "tandem_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# auto_error=False: the cookie is the other way in, so a missing header is not yet an error.
bearer_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


# Every request asks this, so it is one query, built once.
SIGNED_IN = (
    select(AuthSession, User)
    .join(User, col(User.id) == AuthSession.user_id)
    .where(col(AuthSession.id) == bindparam("session_id"), col(User.id) == bindparam("user_id"))
)


@dataclass(frozen=True)
class Caller:
    user: User
    auth_session: AuthSession


def _from_bearer(db: SessionDep, token: str, settings: Settings) -> Caller:
    names = read_access_token(token, secret_key=settings.secret_key)
    failure = Unauthorized(
        "The access token is invalid or has expired.",
        code="invalid_token",
        headers={"WWW-Authenticate": "Bearer"},
    )
    if names is None:
        raise failure
    user_id, session_id = names
    found = db.exec(SIGNED_IN, params={"session_id": session_id, "user_id": user_id}).first()
    if found is None:
        raise failure
    auth_session, user = found
    if not sessions.is_active(auth_session, settings=settings, now=utcnow()):
        raise failure
    if not user.is_active or auth_session.user_id != user.id:
        raise failure
    return Caller(user=user, auth_session=auth_session)


def _from_cookie(db: SessionDep, request: Request, secret: str, settings: Settings) -> Caller:
    auth_session = sessions.active_session_by_secret(
        db, secret=secret, kind=SessionKind.browser, settings=settings
    )
    user = db.get(User, auth_session.user_id) if auth_session else None
    if auth_session is None or user is None or not user.is_active:
        raise Unauthorized("Your session has ended; please sign in again.", code="session_expired")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent, auth_session.csrf_token or ""):
            raise Forbidden(f"Missing or wrong {CSRF_HEADER} header.", code="csrf_failed")
    return Caller(user=user, auth_session=auth_session)


def get_caller(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> Caller:
    cookie = request.cookies.get(SESSION_COOKIE)
    if token:
        caller = _from_bearer(db, token, settings)
    elif cookie:
        caller = _from_cookie(db, request, cookie, settings)
    else:
        raise Unauthorized(
            "Sign in to continue.",
            code="not_authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )
    sessions.mark_used(db, auth_session=caller.auth_session)
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


async def get_current_user(caller: CallerDep) -> User:
    # async, like every dependency that only reads what others made: no thread hop.
    return caller.user


CurrentUser = Annotated[User, Depends(get_current_user)]

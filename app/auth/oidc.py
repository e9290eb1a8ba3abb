"""Single sign-on with an OpenID Connect provider ("sign in with your organisation").

The provider vouches for who someone is; Tandem still decides who may come in: only a
person already linked to the provider, or an invited member whose verified email matches.
"""

import logging
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client.errors import (  # type: ignore[import-untyped]
    MismatchingStateError,
)
from authlib.integrations.starlette_client import (  # type: ignore[import-untyped]
    OAuth,
    OAuthError,
    StarletteOAuth2App,
)
from fastapi import FastAPI, Request
from joserfc.errors import JoseError
from sqlmodel import Session, select
from starlette.responses import RedirectResponse

from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth import service, sessions
from app.config import Settings
from app.errors import AppError, Forbidden, NotFound
from app.models import Identity, Membership, User
from app.models.identity import IdentityKind, SessionKind

logger = logging.getLogger("tandem.auth.oidc")

CALLBACK_PATH = "/api/v1/auth/oidc/callback"
SCOPE = "openid email profile"


class SsoFailed(AppError):
    status_code = 400
    code = "sso_failed"


class SsoUnavailable(AppError):
    status_code = 502
    code = "sso_unavailable"


@dataclass(frozen=True)
class ProviderClaims:
    """What the provider says about the person, once the id_token has been verified."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def client_for(app: FastAPI, settings: Settings) -> StarletteOAuth2App:
    """The app's OAuth client, built on first use and kept on the app, never at module
    level: each app (and each test) has its own settings."""
    client: StarletteOAuth2App | None = getattr(app.state, "oidc_client", None)
    if client is not None:
        return client
    if not settings.oidc_enabled:
        raise NotFound("Single sign-on is not configured.", code="sso_not_configured")
    client = OAuth().register(
        name="oidc",
        server_metadata_url=settings.oidc_discovery_url,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256"},
    )
    app.state.oidc_client = client
    return client


async def authorization_redirect(
    *, client: StarletteOAuth2App, request: Request, settings: Settings
) -> RedirectResponse:
    # The public URL, not the request's: behind a proxy the request sees an inner address,
    # and the provider only accepts the redirect URI registered with it.
    redirect_uri = settings.public_url.rstrip("/") + CALLBACK_PATH
    try:
        response: RedirectResponse = await client.authorize_redirect(request, redirect_uri)
    except httpx.HTTPError as exc:
        raise _unavailable(exc) from exc
    return response


async def read_claims(*, client: StarletteOAuth2App, request: Request) -> ProviderClaims:
    """Exchange the callback's code and verify the id_token (state, nonce, PKCE, issuer)."""
    try:
        token = await client.authorize_access_token(request)
        claims: dict[str, Any] = dict(token.get("userinfo") or {})
        if not claims:
            raise SsoFailed("The identity provider sent no ID token.", code="sso_invalid_token")
        if "email" not in claims:
            claims.update(await _email_from_userinfo(client, token, claims["sub"]))
    except MismatchingStateError as exc:
        raise SsoFailed(
            "This sign-in has expired or was started in another browser; please start again.",
            code="sso_state_mismatch",
        ) from exc
    except OAuthError as exc:
        logger.warning("provider refused sign-in: %s %s", exc.error, exc.description)
        message = f"The identity provider refused the sign-in ({exc.error}"
        message += f": {exc.description})." if exc.description else ")."
        raise SsoFailed(message, code="sso_provider_error") from exc
    except JoseError as exc:
        raise SsoFailed(
            "The identity provider's ID token is not valid.", code="sso_invalid_token"
        ) from exc
    except httpx.HTTPError as exc:
        raise _unavailable(exc) from exc
    return ProviderClaims(
        issuer=claims["iss"],
        subject=claims["sub"],
        email=claims.get("email"),
        # Some providers send the boolean as a string.
        email_verified=claims.get("email_verified") in (True, "true"),
        name=claims.get("name"),
    )


async def _email_from_userinfo(
    client: StarletteOAuth2App, token: dict[str, Any], subject: str
) -> dict[str, Any]:
    # Conforming providers put only `sub` in the id_token when an access token is issued.
    userinfo = await client.userinfo(token=token)
    # OpenID Connect Core 5.3.2: userinfo about anyone else must not be used.
    if userinfo.get("sub") != subject:
        raise SsoFailed(
            "The identity provider's userinfo names someone else.", code="sso_invalid_token"
        )
    return {key: userinfo[key] for key in ("email", "email_verified", "name") if key in userinfo}


def _unavailable(exc: httpx.HTTPError) -> SsoUnavailable:
    logger.warning("identity provider unreachable: %s", exc)
    return SsoUnavailable("The identity provider cannot be reached; try again shortly.")


def sign_in(
    db: Session, *, claims: ProviderClaims, context: AuditContext, settings: Settings
) -> sessions.NewSession:
    """A browser session for the person the provider vouched for, linking them on first use."""
    user = linked_user(db, claims=claims) or _link_invited_member(
        db, claims=claims, context=context
    )
    if not user.is_active:
        raise Forbidden("This account has been deactivated.", code="account_inactive")
    return sessions.start_session(
        db, user=user, kind=SessionKind.browser, context=context, settings=settings
    )


def linked_user(db: Session, *, claims: ProviderClaims) -> User | None:
    identity = db.exec(
        select(Identity).where(
            Identity.kind == IdentityKind.oidc,
            Identity.issuer == claims.issuer,
            Identity.subject == claims.subject,
        )
    ).first()
    return db.get(User, identity.user_id) if identity else None


def _link_invited_member(db: Session, *, claims: ProviderClaims, context: AuditContext) -> User:
    # An unverified email proves nothing about who holds the account, so it finds no one.
    if not claims.email or not claims.email_verified:
        raise Forbidden(
            "Your organisation's sign-in did not confirm your email address, so Tandem "
            "cannot match it to an invitation.",
            code="sso_email_unverified",
        )
    user = service.find_user_by_email(db, claims.email)
    if user is None or not _has_membership(db, user):
        raise Forbidden(
            "No one has invited this email address to Tandem; ask your lead for an invitation.",
            code="sso_not_invited",
        )
    if _has_other_subject(db, user=user, claims=claims):
        # Another provider account already signs in as this person: a second account
        # that merely shares the email (reassigned, renamed) must not take theirs over.
        raise Forbidden(
            "This Tandem account is linked to a different account at your organisation.",
            code="sso_account_mismatch",
        )
    identity = Identity(
        user_id=user.id, kind=IdentityKind.oidc, issuer=claims.issuer, subject=claims.subject
    )
    # An invitation may leave the name blank; the organisation's directory knows it.
    if not user.display_name and claims.name:
        user.display_name = claims.name[:200]
    db.add_all([identity, user])
    db.flush()
    audit.record(
        db,
        action="auth.sso_linked",
        resource_type="user",
        resource_id=user.id,
        actor_user_id=user.id,
        context=context,
        details={"issuer": claims.issuer, "subject": claims.subject},
    )
    return user


def _has_membership(db: Session, user: User) -> bool:
    return db.exec(select(Membership.id).where(Membership.user_id == user.id)).first() is not None


def _has_other_subject(db: Session, *, user: User, claims: ProviderClaims) -> bool:
    statement = select(Identity.id).where(
        Identity.user_id == user.id,
        Identity.kind == IdentityKind.oidc,
        Identity.issuer == claims.issuer,
    )
    return db.exec(statement).first() is not None

"""Sign in with your organisation: the OpenID Connect redirect and callback."""

from typing import Annotated

from authlib.integrations.starlette_client import StarletteOAuth2App  # type: ignore[import-untyped]
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse

from app.audit.context import AuditContext
from app.auth import oidc
from app.auth.router import set_session_cookie
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.routing import TandemRouter

router = TandemRouter(prefix="/auth/oidc", tags=["auth"])

# These routes are async because authlib's Starlette client talks to the provider with
# httpx's async client; the database work goes to a thread.


def get_oidc_client(request: Request, settings: SettingsDep) -> StarletteOAuth2App:
    return oidc.client_for(request.app, settings)


OidcClientDep = Annotated[StarletteOAuth2App, Depends(get_oidc_client)]


@router.get(
    "/login", response_class=RedirectResponse, status_code=302, responses=error_responses(404, 502)
)
async def oidc_login(
    request: Request, client: OidcClientDep, settings: SettingsDep
) -> RedirectResponse:
    """Redirect to your organisation's identity provider to sign in (404 when not set up)."""
    return await oidc.authorization_redirect(client=client, request=request, settings=settings)


@router.get(
    "/callback",
    response_class=RedirectResponse,
    status_code=303,
    responses=error_responses(400, 403, 404, 502),
)
async def oidc_callback(
    request: Request, client: OidcClientDep, db: SessionDep, settings: SettingsDep
) -> RedirectResponse:
    """Where the identity provider sends you back: signs in an invited member, then to `/`."""
    claims = await oidc.read_claims(client=client, request=request)
    new = await run_in_threadpool(
        oidc.sign_in, db, claims=claims, context=AuditContext.of(request), settings=settings
    )
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, request, new, settings)
    return response

"""Sign in, out and back: API tokens, the PWA's cookie session, invitations."""

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from app.admission import PasswordCheckTurn
from app.audit.context import AuditContext, AuditContextDep
from app.auth import invitations, service, sessions
from app.auth.deps import SESSION_COOKIE, CallerDep, bearer_scheme, get_caller
from app.auth.schemas import (
    BrowserSessionRead,
    BrowserSignIn,
    InvitationAccept,
    InvitationAccepted,
    InvitationPreview,
    RefreshRequest,
    SsoStatus,
    TokenRead,
)
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.errors import Unauthorized
from app.models import AuthSession, User
from app.models.identity import SessionKind
from app.routing import TandemRouter

router = TandemRouter(prefix="/auth", tags=["auth"])

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _token_response(new: sessions.NewSession, settings: Settings) -> TokenRead:
    access_token, expires_in = sessions.access_token_for(new.auth_session, settings)
    return TokenRead(access_token=access_token, expires_in=expires_in, refresh_token=new.secret)


def cookie_is_secure(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure == "auto":
        return request.url.hostname not in LOCAL_HOSTS
    return settings.cookie_secure == "always"


def set_session_cookie(
    response: Response, request: Request, new: sessions.NewSession, settings: Settings
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        new.secret,
        max_age=int(sessions.lifetime(SessionKind.browser, settings).total_seconds()),
        httponly=True,
        secure=cookie_is_secure(request, settings),
        samesite="lax",
        path="/",
    )


def browser_session_read(auth_session: AuthSession, email: str) -> BrowserSessionRead:
    return BrowserSessionRead(
        csrf_token=auth_session.csrf_token or "",
        expires_at=auth_session.expires_at.isoformat(),
        user_id=str(auth_session.user_id),
        email=email,
    )


@router.post(
    "/token",
    response_model=TokenRead,
    dependencies=[PasswordCheckTurn],
    responses=error_responses(401, 429),
)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
) -> TokenRead:
    """Exchange an email (as `username`) and password for a short-lived bearer token."""
    user = service.authenticate(
        db,
        email=form.username,
        password=form.password,
        engine=request.app.state.engine,
        context=AuditContext.of(request),
        settings=settings,
    )
    new = sessions.start_session(
        db, user=user, kind=SessionKind.api, context=AuditContext.of(request), settings=settings
    )
    return _token_response(new, settings)


@router.post("/refresh", response_model=TokenRead, responses=error_responses(401))
def refresh_token(
    body: RefreshRequest,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> TokenRead:
    """Exchange a refresh token for a new access token and refresh token. Each refresh
    token works once: presenting a used one again (401 `refresh_token_reused`) ends the
    whole sign-in, so refresh one request at a time."""
    new = sessions.rotate_refresh_token(
        db,
        refresh_token=body.refresh_token,
        engine=request.app.state.engine,
        context=context,
        settings=settings,
    )
    return _token_response(new, settings)


@router.post("/logout", status_code=204)
def logout(caller: CallerDep, request: Request, response: Response, db: SessionDep) -> None:
    """End this sign-in: its access tokens, refresh token and cookie stop working."""
    sessions.revoke(db, auth_session=caller.auth_session, context=AuditContext.of(request))
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post(
    "/session",
    response_model=BrowserSessionRead,
    dependencies=[PasswordCheckTurn],
    responses=error_responses(401, 429),
)
def start_browser_session(
    body: BrowserSignIn,
    request: Request,
    response: Response,
    db: SessionDep,
    settings: SettingsDep,
) -> BrowserSessionRead:
    """Sign in the PWA: sets an HttpOnly session cookie and returns the CSRF token."""
    user = service.authenticate(
        db,
        email=body.email,
        password=body.password,
        engine=request.app.state.engine,
        context=AuditContext.of(request),
        settings=settings,
    )
    new = sessions.start_session(
        db,
        user=user,
        kind=SessionKind.browser,
        context=AuditContext.of(request),
        settings=settings,
    )
    set_session_cookie(response, request, new, settings)
    return browser_session_read(new.auth_session, user.email)


@router.get("/session", response_model=BrowserSessionRead)
def read_browser_session(caller: CallerDep) -> BrowserSessionRead:
    """The current sign-in, with the CSRF token the PWA sends on state-changing requests."""
    return browser_session_read(caller.auth_session, caller.user.email)


def signed_in_user(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(bearer_scheme)],
) -> User | None:
    """Who the request is signed in as, or None when it carries no sign-in (or an ended one)."""
    try:
        return get_caller(request, db, settings, token).user
    except Unauthorized:
        return None


@router.get(
    "/invitations/{token}", response_model=InvitationPreview, responses=error_responses(410)
)
def read_invitation(token: str, db: SessionDep) -> InvitationPreview:
    """An invitation as its invitee sees it: the organisation, who invited them, and whether
    to choose a password or enter their current one (410 when expired or already used)."""
    return invitations.preview(db, token=token)


@router.post(
    "/invitations/{token}", response_model=InvitationAccepted, responses=error_responses(410, 429)
)
def accept_invitation(
    token: str,
    body: InvitationAccept,
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
    signed_in: Annotated[User | None, Depends(signed_in_user)],
) -> InvitationAccepted:
    """Join the organisation. Someone new sets a password; someone with an account is
    signed in as it or gives its current password, which stays unchanged (401
    `wrong_password`, and the link still works). 410 when expired or already used."""
    return invitations.accept(
        db,
        token=token,
        body=body,
        signed_in=signed_in,
        engine=request.app.state.engine,
        context=context,
        settings=settings,
    )


@router.get("/sso", response_model=SsoStatus)
def sso_status(settings: SettingsDep) -> SsoStatus:
    """Whether "sign in with your organisation" (OpenID Connect) is available."""
    return SsoStatus(
        enabled=settings.oidc_enabled,
        display_name=settings.oidc_display_name,
        login_url="/api/v1/auth/oidc/login" if settings.oidc_enabled else None,
    )

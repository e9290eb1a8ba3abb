"""Forgotten passwords: ask for a link, open it, choose a new password (no sign-in)."""

from fastapi import BackgroundTasks

from app.admission import PasswordCheckTurn
from app.audit.context import AuditContextDep
from app.auth import password_reset
from app.auth.schemas import (
    PasswordResetChoice,
    PasswordResetPreview,
    PasswordResetRequest,
    PasswordResetRequested,
)
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.notifications import email
from app.routing import TandemRouter

router = TandemRouter(prefix="/auth/password-resets", tags=["auth"])

ASKED = (
    "If {email} belongs to a Tandem account that signs in with a password, a link to choose "
    "a new one is on its way. It works once, within {minutes} minutes."
)


@router.post("", status_code=202, response_model=PasswordResetRequested)
def ask_for_reset(
    body: PasswordResetRequest,
    background: BackgroundTasks,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
) -> PasswordResetRequested:
    """Email a one-time link to choose a new password. The answer is the same whether or
    not the address has an account; nothing is sent when email is not set up."""
    link = password_reset.request_reset(db, email=body.email, settings=settings, context=context)
    if link is not None:
        # After the response: the transaction has committed, so the link already works.
        background.add_task(email.send_password_reset, settings, to=link.email, url=link.url)
    minutes = settings.password_reset_minutes
    return PasswordResetRequested(message=ASKED.format(email=body.email, minutes=minutes))


@router.get("/{token}", response_model=PasswordResetPreview, responses=error_responses(410))
def read_reset(token: str, db: SessionDep) -> PasswordResetPreview:
    """Whether the link still works, and for which account (410 used or expired)."""
    reset, user = password_reset.usable_reset(db, token)
    return PasswordResetPreview(email=user.email, expires_at=reset.expires_at)


@router.post(
    "/{token}",
    status_code=204,
    dependencies=[PasswordCheckTurn],
    responses=error_responses(410, 422, 429),
)
def choose_new_password(
    token: str, body: PasswordResetChoice, db: SessionDep, context: AuditContextDep
) -> None:
    """Set the new password and end every sign-in of the account; the link is spent.
    422 names what is wrong with a weak password (the link still works); 410 used or
    expired."""
    password_reset.reset_password(db, token=token, password=body.password, context=context)

"""Request and response shapes for signing in and out."""

import enum
from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from app.auth.passwords import MAX_PASSWORD_LENGTH
from app.schemas import StrictModel


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class RefreshRequest(StrictModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class BrowserSignIn(StrictModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)


class BrowserSessionRead(BaseModel):
    csrf_token: str
    expires_at: str
    user_id: str
    email: str


class InvitationProof(enum.StrEnum):
    """How the invitee shows the account that joins is theirs."""

    new_password = "new_password"  # no account yet: they choose a password
    current_password = "current_password"  # signed in as it, or its password (unchanged)
    sign_in = "sign_in"  # an account without a password (single sign-on): signed in as it


class InvitationPreview(BaseModel):
    organisation_name: str
    email: str
    display_name: str = Field(description="The invitee's name as the lead gave it ('' if none).")
    invited_by_name: str | None
    proof: InvitationProof
    expires_at: datetime


class InvitationAccept(StrictModel):
    # A new password, or the account's current one; none when signed in as the invitee.
    # A new one is held to the password policy by the service, which says what is wrong.
    password: str | None = Field(default=None, min_length=1, max_length=MAX_PASSWORD_LENGTH)
    display_name: str | None = Field(default=None, max_length=200)


class InvitationAccepted(BaseModel):
    user_id: str
    email: str
    organisation_id: str
    organisation_name: str
    membership_id: str


class SsoStatus(BaseModel):
    enabled: bool
    display_name: str
    login_url: str | None


class PasswordResetRequest(StrictModel):
    email: EmailStr


class PasswordResetRequested(BaseModel):
    message: str = Field(description="The same whether or not the address has an account.")


class PasswordResetPreview(BaseModel):
    email: str
    expires_at: datetime


class PasswordResetChoice(StrictModel):
    # Held to the password policy by the service, which says what is wrong.
    password: str = Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)

"""Request and response shapes for signing in and out."""

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

Password = Field(min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH)


class StrictModel(BaseModel):
    """Unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


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


class InvitationAccept(StrictModel):
    password: str = Password
    display_name: str | None = Field(default=None, max_length=200)


class InvitationAccepted(BaseModel):
    user_id: str
    email: str


class SsoStatus(BaseModel):
    enabled: bool
    display_name: str
    login_url: str | None

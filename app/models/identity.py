"""People, how they sign in, their sessions, invitations and login throttling."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import (
    UTCDateTime,
    created_at_field,
    id_field,
    organisation_field,
    timestamp_field,
    utcnow,
)


class IdentityKind(enum.StrEnum):
    password = "password"
    oidc = "oidc"


class SessionKind(enum.StrEnum):
    api = "api"
    browser = "browser"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: uuid.UUID = id_field()
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(default="", max_length=200)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()


class Identity(SQLModel, table=True):
    """A way to sign in: a local password, or an OpenID Connect issuer and subject."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=500)
    password_hash: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()


class AuthSession(SQLModel, table=True):
    """One sign-in. Access tokens name it, so revoking it ends every token at once."""

    __tablename__ = "auth_session"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    secret_hash: str = Field(max_length=128, unique=True)
    # The refresh token the current one replaced: whoever presents it again holds a copy,
    # so the whole sign-in ends (refresh-token reuse detection, app/auth/sessions.py).
    previous_secret_hash: str | None = Field(default=None, max_length=128, index=True)
    csrf_token: str | None = Field(default=None, max_length=128)
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field(nullable=False)
    revoked_at: datetime | None = timestamp_field()
    # For the idle timeout; written at most once a minute, so reads stay reads.
    last_used_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)


class Invitation(SQLModel, table=True):
    """An offer to join an organisation, addressed to an email. It names no account: whether
    one exists is settled when the invitee accepts, and only then is a membership made."""

    __tablename__ = "invitation"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    email: str = Field(max_length=320, index=True)
    # The lead's name for someone new; an existing account keeps its own.
    display_name: str = Field(default="", max_length=200)
    roles: list[str] = Field(default_factory=list, sa_type=JSON)
    is_champion: bool = Field(default=False)
    token_hash: str = Field(max_length=128, unique=True)
    created_by_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field(nullable=False)
    used_at: datetime | None = timestamp_field()


class PasswordReset(SQLModel, table=True):
    """A one-time link to choose a new password, emailed to the account's address: only
    its hash is kept, and asking again replaces an earlier link (app/auth/password_reset.py)."""

    __tablename__ = "password_reset"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = timestamp_field(nullable=False)
    used_at: datetime | None = timestamp_field()


class LoginThrottle(SQLModel, table=True):
    """Recent failed sign-ins of one account, one address, or one account from one address
    (the only kind that locks), shared by every app process (app/auth/throttle.py)."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=400)
    failures: int = Field(default=0)
    last_failure_at: datetime = timestamp_field(nullable=False)
    locked_until: datetime | None = timestamp_field()

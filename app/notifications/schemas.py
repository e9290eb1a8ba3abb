"""Request and response shapes of notifications, their settings and Web Push."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from app.models import NotificationKind
from app.schemas import JsonBool, JsonInt, StrictModel


class NotificationRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    kind: NotificationKind
    summary: str = Field(description="What happened, in a few words: 'New feedback'.")
    title: str | None = Field(
        description="The title of the recording or objective it is about (null if gone)."
    )
    actor_name: str | None = Field(description="Who caused it; null for the system.")
    link: str = Field(description="Where the PWA opens it: a hash route such as #/recordings/…")
    recording_id: uuid.UUID | None
    objective_id: uuid.UUID | None
    created_at: datetime
    read: bool
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked_read: int = Field(description="How many notifications this marked read.")


class NotificationSettings(BaseModel):
    email_digest: bool = Field(
        description="A daily email listing unread notifications (titles and links only)."
    )
    web_push: bool = Field(description="Web Push to the browsers this person subscribed.")


class NotificationSettingsUpdate(StrictModel):
    """Only the fields sent change."""

    email_digest: JsonBool | None = None
    web_push: JsonBool | None = None


class PushPublicKey(BaseModel):
    enabled: bool = Field(description="False when the server has no VAPID key pair set up.")
    public_key: str | None = Field(
        description="The VAPID public key (base64url, uncompressed P-256 point): the "
        "applicationServerKey of PushManager.subscribe()."
    )


class PushKeys(StrictModel):
    p256dh: Annotated[str, Field(min_length=1, max_length=200)]
    auth: Annotated[str, Field(min_length=1, max_length=100)]


class PushSubscriptionCreate(StrictModel):
    """A browser's PushSubscription.toJSON()."""

    endpoint: Annotated[str, Field(min_length=1, max_length=2000)]
    keys: PushKeys
    expirationTime: JsonInt | None = None  # noqa: N815 (the browser's own name)


class PushSubscriptionRead(BaseModel):
    id: uuid.UUID
    endpoint: str
    created_at: datetime

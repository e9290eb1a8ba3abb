"""Notifications: what happened that someone should know, how they like to hear of it, and
the browsers that take Web Push for them."""

import enum
import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field, organisation_field, timestamp_field


class NotificationKind(enum.StrEnum):
    feedback_submitted = "feedback_submitted"  # an observation submitted on my recording
    comment = "comment"  # a comment or a reply on a recording whose conversation I see
    reflection_shared = "reflection_shared"  # to the practitioner's coaches
    reflection_reply = "reflection_reply"  # a message under a shared reflection
    objective_updated = "objective_updated"  # created, changed, a note or evidence added
    upload_rejected = "upload_rejected"  # processing found the file is not audio or video


class Notification(SQLModel, table=True):
    """One event, for one recipient. It names the resource it is about and no text of it:
    what the list shows is read through app/access when it is shown, so a notification
    about something the recipient may no longer see is not shown at all."""

    __tablename__ = "notification"

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID = organisation_field()
    recipient_user_id: uuid.UUID = Field(
        foreign_key="user_account.id", index=True, ondelete="CASCADE"
    )
    # SET NULL: a notification stays when the account of whoever caused it goes.
    actor_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    kind: str = Field(max_length=40)
    # The resource, and the recording it belongs to; CASCADE: it goes with them. Each is
    # indexed so deleting a comment or an objective finds its notifications at once.
    recording_id: uuid.UUID | None = Field(
        default=None, foreign_key="recording.id", index=True, ondelete="CASCADE"
    )
    comment_id: uuid.UUID | None = Field(
        default=None, foreign_key="recording_comment.id", index=True, ondelete="CASCADE"
    )
    observation_id: uuid.UUID | None = Field(
        default=None, foreign_key="observation.id", index=True, ondelete="CASCADE"
    )
    reflection_id: uuid.UUID | None = Field(
        default=None, foreign_key="reflection.id", index=True, ondelete="CASCADE"
    )
    objective_id: uuid.UUID | None = Field(
        default=None, foreign_key="learning_objective.id", index=True, ondelete="CASCADE"
    )
    created_at: datetime = created_at_field()
    read_at: datetime | None = timestamp_field()
    # Set once a daily digest listed it: no notification is emailed twice.
    emailed_at: datetime | None = timestamp_field()


class NotificationPreference(SQLModel, table=True):
    """How a person likes to hear of notifications; no row means the defaults."""

    __tablename__ = "notification_preference"

    user_id: uuid.UUID = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    email_digest: bool = Field(default=True)
    web_push: bool = Field(default=False)
    # When the last digest went: one a day, however often the command runs.
    last_digest_at: datetime | None = timestamp_field()


class PushSubscription(SQLModel, table=True):
    """One browser's Web Push subscription (RFC 8030): where to post, and its keys for
    the payload's encryption (RFC 8291). An endpoint is one browser: whoever subscribed
    on it last owns it."""

    __tablename__ = "push_subscription"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=2000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    created_at: datetime = created_at_field()

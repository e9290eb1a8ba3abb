"""Access rows for notifications, their settings and Web Push subscriptions.

Everyone signed in has notifications, settings and push subscriptions of their own; a
notification is its recipient's alone: anyone else, in or out of the organisation, finds
none (404).
"""

import uuid

from sqlmodel import Session

from app.models import Notification, NotificationKind
from tests.access.conftest import World
from tests.access.probes import Row
from tests.access.rules import AUTHENTICATED, members


def new_owner_notification(db: Session, world: World) -> uuid.UUID:
    """The owner's, of the coach's comment on the recording under test."""
    scene, cast = world.scene, world.cast
    notification = Notification(
        organisation_id=cast.organisation.id,
        recipient_user_id=cast["owner"].id,
        actor_user_id=cast["coach"].id,
        kind=NotificationKind.comment,
        recording_id=scene.recording.id,
        comment_id=scene.comment.id,
    )
    db.add(notification)
    db.commit()
    return notification.id


ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/notifications"): Row(AUTHENTICATED),
    ("GET", "/api/v1/notifications/unread-count"): Row(AUTHENTICATED),
    ("POST", "/api/v1/notifications/read-all"): Row(AUTHENTICATED),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Row(
        members({"owner"}), fresh={"notification_id": new_owner_notification}
    ),
    ("GET", "/api/v1/me/notification-settings"): Row(AUTHENTICATED),
    ("PATCH", "/api/v1/me/notification-settings"): Row(AUTHENTICATED),
    ("GET", "/api/v1/push/public-key"): Row(AUTHENTICATED),
    ("POST", "/api/v1/push/subscriptions"): Row(AUTHENTICATED),
    ("DELETE", "/api/v1/push/subscriptions"): Row(AUTHENTICATED),
}

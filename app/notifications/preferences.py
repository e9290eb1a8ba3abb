"""How each person likes to hear of notifications, and the browsers that take their pushes."""

import uuid

from sqlmodel import Session, col, select

from app.config import Settings
from app.errors import Conflict, NotFound
from app.models import NotificationPreference, PushSubscription, User
from app.notifications import push
from app.notifications.schemas import (
    NotificationSettings,
    NotificationSettingsUpdate,
    PushSubscriptionCreate,
)


def read(db: Session, *, user: User) -> NotificationSettings:
    preference = db.get(NotificationPreference, user.id) or NotificationPreference(user_id=user.id)
    return NotificationSettings(email_digest=preference.email_digest, web_push=preference.web_push)


def update(
    db: Session, *, user: User, body: NotificationSettingsUpdate, settings: Settings
) -> NotificationSettings:
    if body.web_push and not push.enabled(settings):
        raise _push_disabled()
    preference = db.get(NotificationPreference, user.id) or NotificationPreference(user_id=user.id)
    for name, value in body.model_dump(exclude_unset=True, exclude_none=True).items():
        setattr(preference, name, value)
    db.add(preference)
    db.flush()
    return read(db, user=user)


def subscribe(
    db: Session, *, user: User, body: PushSubscriptionCreate, settings: Settings
) -> PushSubscription:
    """Store the browser's subscription; the same endpoint again (a browser renewing it, or
    someone else signing in on it) replaces the one before."""
    if not push.enabled(settings):
        raise _push_disabled()
    push.require_endpoint(settings, body.endpoint)
    statement = select(PushSubscription).where(col(PushSubscription.endpoint) == body.endpoint)
    subscription = db.exec(statement).first() or PushSubscription(
        user_id=user.id, endpoint=body.endpoint, p256dh="", auth=""
    )
    subscription.user_id = user.id
    subscription.p256dh = body.keys.p256dh
    subscription.auth = body.keys.auth
    db.add(subscription)
    db.flush()
    return subscription


def unsubscribe(db: Session, *, user: User, endpoint: str) -> None:
    statement = select(PushSubscription).where(
        col(PushSubscription.endpoint) == endpoint, col(PushSubscription.user_id) == user.id
    )
    subscription = db.exec(statement).first()
    if subscription is None:
        raise NotFound("Push subscription not found.")
    db.delete(subscription)
    db.flush()


def subscriptions_of(db: Session, *, user_id: uuid.UUID) -> list[PushSubscription]:
    statement = select(PushSubscription).where(col(PushSubscription.user_id) == user_id)
    return list(db.exec(statement.order_by(col(PushSubscription.created_at))))


def _push_disabled() -> Conflict:
    return Conflict(
        "Web Push is not set up on this server (TANDEM_VAPID_PUBLIC_KEY and "
        "TANDEM_VAPID_PRIVATE_KEY).",
        code="push_disabled",
    )

"""The caller's notifications, how they like to hear of them, and Web Push subscriptions."""

import uuid
from typing import Annotated

from fastapi import Query

from app.access.notifications import notification_for
from app.auth.deps import CurrentUser
from app.config import SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.notifications import preferences, push, reads, service
from app.notifications.schemas import (
    MarkedRead,
    NotificationRead,
    NotificationSettings,
    NotificationSettingsUpdate,
    PushPublicKey,
    PushSubscriptionCreate,
    PushSubscriptionRead,
    UnreadCount,
)
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(tags=["notifications"])


@router.get("/notifications", response_model=list[NotificationRead])
def list_notifications(
    user: CurrentUser, db: SessionDep, page: PageDep, unread: bool | None = None
) -> list[NotificationRead]:
    """The caller's notifications in every organisation, newest first (unread=true: only
    those not yet read). Those about something the caller may no longer see are left out."""
    return reads.list_notifications(db, user=user, page=page, unread=unread)


@router.get("/notifications/unread-count", response_model=UnreadCount)
def unread_count(user: CurrentUser, db: SessionDep) -> UnreadCount:
    """How many of the caller's notifications are unread (the PWA's badge)."""
    return UnreadCount(unread=reads.unread_count(db, user=user))


@router.post("/notifications/read-all", response_model=MarkedRead)
def mark_all_read(user: CurrentUser, db: SessionDep) -> MarkedRead:
    """Mark every unread notification of the caller read."""
    return MarkedRead(marked_read=service.mark_all_read(db, user=user))


@router.post(
    "/notifications/{notification_id}/read",
    response_model=NotificationRead,
    responses=error_responses(404),
)
def mark_read(notification_id: uuid.UUID, user: CurrentUser, db: SessionDep) -> NotificationRead:
    """Mark one of the caller's notifications read (again: no change)."""
    notification = notification_for(db, user=user, notification_id=notification_id)
    return reads.build(db, [service.mark_read(db, notification=notification)])[0]


@router.get("/me/notification-settings", response_model=NotificationSettings)
def read_settings(user: CurrentUser, db: SessionDep) -> NotificationSettings:
    """How the caller hears of notifications: a daily email digest (on unless turned off)
    and Web Push (off unless turned on)."""
    return preferences.read(db, user=user)


@router.patch(
    "/me/notification-settings",
    response_model=NotificationSettings,
    responses=error_responses(409),
)
def update_settings(
    body: NotificationSettingsUpdate, user: CurrentUser, db: SessionDep, settings: SettingsDep
) -> NotificationSettings:
    """Change how the caller hears of notifications (409 push_disabled: turning Web Push
    on where the server has no VAPID keys)."""
    return preferences.update(db, user=user, body=body, settings=settings)


@router.get("/push/public-key", response_model=PushPublicKey)
def push_public_key(user: CurrentUser, settings: SettingsDep) -> PushPublicKey:
    """The server's VAPID public key for PushManager.subscribe(), or enabled: false."""
    if not push.enabled(settings):
        return PushPublicKey(enabled=False, public_key=None)
    return PushPublicKey(enabled=True, public_key=settings.vapid_public_key)


@router.post(
    "/push/subscriptions",
    status_code=201,
    response_model=PushSubscriptionRead,
    responses=error_responses(409),
)
def subscribe(
    body: PushSubscriptionCreate, user: CurrentUser, db: SessionDep, settings: SettingsDep
) -> PushSubscriptionRead:
    """Store this browser's push subscription for the caller (the same endpoint again
    replaces it). 409 push_disabled where the server has no VAPID keys."""
    subscription = preferences.subscribe(db, user=user, body=body, settings=settings)
    return PushSubscriptionRead.model_validate(subscription, from_attributes=True)


@router.delete("/push/subscriptions", status_code=204, responses=error_responses(404))
def unsubscribe(
    endpoint: Annotated[str, Query(min_length=1, max_length=2000)],
    user: CurrentUser,
    db: SessionDep,
) -> None:
    """Forget one of the caller's browsers (by its subscription's endpoint)."""
    preferences.unsubscribe(db, user=user, endpoint=endpoint)

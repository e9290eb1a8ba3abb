"""Web Push (RFC 8030) with VAPID (RFC 8292) and an encrypted payload (RFC 8291), through
pywebpush, for people who turned it on.

A push says only what kind of thing happened ("You have new feedback in Tandem"): the
push service and the phone's lock screen see no title, name or text. It goes after the
transaction that made the notification commits, from a thread of its own, so a slow or
failing push service never slows or fails the request; a push service answering 404 or
410 says the browser unsubscribed, and the subscription is removed.

Disabled, and said so (`GET /push/public-key` answers `enabled: false`), unless
TANDEM_VAPID_PUBLIC_KEY and TANDEM_VAPID_PRIVATE_KEY are set (`python -m app
generate-vapid-keys` makes a pair).
"""

import json
import logging
import threading
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from py_vapid import Vapid02  # type: ignore[import-untyped]
from py_vapid.utils import b64urlencode  # type: ignore[import-untyped]
from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]
from sqlalchemy import Engine
from sqlalchemy import event as database_event
from sqlmodel import Session, col, select

from app.config import LOOPBACK_HOSTS, Settings
from app.db import settings_of
from app.errors import Unprocessable
from app.models import Notification, NotificationKind, NotificationPreference, PushSubscription
from app.notifications.wording import push_body

logger = logging.getLogger("tandem.push")
_OUTBOX = "tandem.push_outbox"
GONE = (404, 410)  # the push service no longer knows the subscription
TIMEOUT_SECONDS = 10
TTL_SECONDS = 24 * 3600  # a phone off for a day still hears of it; after that, the list


def enabled(settings: Settings) -> bool:
    return bool(settings.vapid_public_key and settings.vapid_private_key)


def generate_key_pair() -> tuple[str, str]:
    """A new VAPID key pair (public, private), both base64url as the settings take them."""
    vapid = Vapid02()
    vapid.generate_keys()
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return public_key_of(_b64url(private)), _b64url(private)


def _b64url(data: bytes) -> str:
    text: str = b64urlencode(data)
    return text


def public_key_of(private_key: str) -> str:
    """The public key (uncompressed P-256 point, base64url) of a base64url private key."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    public = Vapid02.from_raw(private_key.encode()).public_key
    point: bytes = public.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return _b64url(point)


def require_endpoint(settings: Settings, endpoint: str) -> None:
    """Push services are on https; plain http only on loopback outside production (the
    tests' push service). Anything else would have the server post wherever it is told."""
    parts = urlsplit(endpoint)
    local = settings.env != "production" and (parts.hostname or "") in LOOPBACK_HOSTS
    if not parts.hostname or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise Unprocessable(
            "endpoint: must be the https URL of a push service.", code="invalid_endpoint"
        )


def send_after_commit(db: Session, notifications: Sequence[Notification]) -> None:
    """Push these notifications to their recipients who opted in, once `db` commits."""
    settings = settings_of(db)
    if not notifications or settings is None or not enabled(settings):
        return
    outbox: list[tuple[uuid.UUID, str]] | None = db.info.get(_OUTBOX)
    if outbox is None:
        outbox = db.info[_OUTBOX] = []
        database_event.listen(db, "after_commit", _send_outbox)
        database_event.listen(db, "after_rollback", _empty_outbox)
    outbox.extend((row.recipient_user_id, row.kind) for row in notifications)


def _send_outbox(db: Session) -> None:
    outbox: list[tuple[uuid.UUID, str]] = db.info[_OUTBOX]
    settings = settings_of(db)
    engine = db.get_bind()
    if outbox and settings is not None and isinstance(engine, Engine):
        kinds: dict[uuid.UUID, set[NotificationKind]] = {}
        for user_id, kind in outbox:
            kinds.setdefault(user_id, set()).add(NotificationKind(kind))
        threading.Thread(
            target=deliver, args=(engine, settings, kinds), name="web-push", daemon=True
        ).start()
    outbox.clear()


def _empty_outbox(db: Session, *_: Any) -> None:
    db.info[_OUTBOX].clear()


def deliver(
    engine: Engine, settings: Settings, kinds: dict[uuid.UUID, set[NotificationKind]]
) -> None:
    """One push per recipient who opted in, to each of their browsers."""
    try:
        with Session(engine) as db:
            for user_id, user_kinds in kinds.items():
                for subscription in _subscriptions(db, user_id):
                    _push(db, settings, subscription, push_body(user_kinds))
            db.commit()
    except Exception:  # never let a push take anything else down with it
        logger.exception("web push failed")


def _subscriptions(db: Session, user_id: uuid.UUID) -> list[PushSubscription]:
    preference = db.get(NotificationPreference, user_id)
    if preference is None or not preference.web_push:
        return []
    statement = select(PushSubscription).where(col(PushSubscription.user_id) == user_id)
    return list(db.exec(statement))


def _push(db: Session, settings: Settings, subscription: PushSubscription, body: str) -> None:
    payload = {"title": "Tandem", "body": body, "url": "/#/notifications"}
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    try:
        webpush(
            subscription_info=info,
            data=json.dumps(payload),
            vapid_private_key=Vapid02.from_raw(str(settings.vapid_private_key).encode()),
            vapid_claims={"sub": settings.vapid_subject or f"mailto:{settings.smtp_from}"},
            timeout=TIMEOUT_SECONDS,
            ttl=TTL_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            db.delete(subscription)
            db.flush()
            return
        # Not the endpoint: it identifies the person's browser.
        logger.warning("push service refused a push", extra={"fields": {"status": status}})
    except Exception as error:  # noqa: BLE001 (the message would carry the endpoint)
        logger.warning("push service unreachable: %s", type(error).__name__)

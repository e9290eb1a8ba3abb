"""Secret calendar feeds: a URL a calendar app subscribes to without signing in.

The URL's secret is an HMAC, under the app's secret key, of a random seed kept in the
row; the row keeps only the secret's SHA-256 to find it by. So the same URL can be shown
again, while a copy of the database alone opens no feed. Resetting draws a new seed: the
old URL answers 404 from then on.
"""

import base64
import hashlib
import hmac
from datetime import timedelta

from sqlmodel import Session, col, select

from app.access.calendar import feed_bookings
from app.audit import service as audit
from app.audit.context import AuditContext
from app.auth.tokens import hash_secret, new_secret
from app.booking.ical import bookings_ics, load_calendars
from app.config import Settings
from app.errors import NotFound
from app.models import User
from app.models.base import utcnow
from app.models.booking import CalendarFeed

PAST_DAYS = 90
"""A feed carries bookings that ended up to this many days ago, and every future one."""

FEED_NAME = "Tandem"
REFRESH = timedelta(hours=1)
"""How often calendar apps are asked to fetch a feed again."""


def feed_secret(db: Session, *, user: User, settings: Settings, context: AuditContext) -> str:
    """The secret of the person's feed, made on first ask."""
    feed = db.get(CalendarFeed, user.id)
    if feed is None:
        return _renew(db, user=user, settings=settings, context=context, action="created")
    secret = _derive(feed.secret_seed, settings=settings)
    # After the app's secret key changes, the URL shown is a new one: the hash follows it.
    if not hmac.compare_digest(feed.secret_hash, hash_secret(secret)):
        feed.secret_hash = hash_secret(secret)
        db.add(feed)
        db.flush()
    return secret


def reset_feed(db: Session, *, user: User, settings: Settings, context: AuditContext) -> str:
    """A new secret for the person's feed; the old URL stops working."""
    return _renew(db, user=user, settings=settings, context=context, action="reset")


def feed_calendar(db: Session, *, secret: str, settings: Settings) -> bytes:
    """The feed this secret opens, as iCalendar; 404 for a secret no feed has."""
    owner = db.exec(
        select(User)
        .join(CalendarFeed, col(CalendarFeed.user_id) == User.id)
        .where(col(CalendarFeed.secret_hash) == hash_secret(secret), col(User.is_active))
    ).first()
    if owner is None:
        raise NotFound("Calendar feed not found.")
    since = utcnow() - timedelta(days=PAST_DAYS)
    booking_ids = db.exec(feed_bookings(user_id=owner.id, ending_after=since)).all()
    entries = load_calendars(db, booking_ids=booking_ids, base_url=settings.public_url)
    return bookings_ics(entries, name=FEED_NAME, refresh=REFRESH)


def _renew(
    db: Session, *, user: User, settings: Settings, context: AuditContext, action: str
) -> str:
    seed = new_secret()
    secret = _derive(seed, settings=settings)
    feed = db.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, secret_seed=seed, secret_hash=hash_secret(secret))
    feed.secret_seed = seed
    feed.secret_hash = hash_secret(secret)
    feed.created_at = utcnow()
    db.add(feed)
    db.flush()
    audit.record(
        db,
        action=f"calendar_feed.{action}",
        resource_type="calendar_feed",
        resource_id=user.id,
        actor_user_id=user.id,
        context=context,
    )
    return secret


def _derive(seed: str, *, settings: Settings) -> str:
    digest = hmac.new(
        settings.secret_key.encode(), b"calendar-feed:" + seed.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

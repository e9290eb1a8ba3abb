"""Calendars: the person's secret feed URL, the feed itself, and one booking as .ics."""

import uuid
from typing import Annotated, Any

from fastapi import Path, Request, Response
from pydantic import BaseModel, Field

from app.access.bookings import BookingDep
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.booking import feeds
from app.booking.ical import bookings_ics, load_calendars
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.errors import NotFound
from app.routing import TandemRouter

router = TandemRouter(tags=["calendars"])

CALENDAR = "text/calendar; charset=utf-8"
CALENDAR_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}}
}
# Calendar apps poll a feed every few minutes to hours: a few minutes in their cache spares
# the server without keeping a change from them for long.
FEED_CACHE = "private, max-age=300"
# The secret is 43 URL-safe characters; anything else cannot name a feed.
FeedSecret = Annotated[str, Path(min_length=43, max_length=43, pattern=r"^[A-Za-z0-9_-]+$")]


class CalendarFeedRead(BaseModel):
    url: str = Field(description="Subscribe to it in a calendar app; it needs no sign-in.")


@router.get("/me/calendar-feed", response_model=CalendarFeedRead)
def read_calendar_feed(
    user: CurrentUser,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
    request: Request,
) -> CalendarFeedRead:
    """The URL of your calendar feed: every booking you organise or take part in, for a
    calendar app to subscribe to. Keep it private: it works without signing in."""
    secret = feeds.feed_secret(db, user=user, settings=settings, context=context)
    return CalendarFeedRead(url=_feed_url(request, settings, secret))


@router.post("/me/calendar-feed/reset", response_model=CalendarFeedRead)
def reset_calendar_feed(
    user: CurrentUser,
    db: SessionDep,
    settings: SettingsDep,
    context: AuditContextDep,
    request: Request,
) -> CalendarFeedRead:
    """A new URL for your calendar feed; the old one stops working at once."""
    secret = feeds.reset_feed(db, user=user, settings=settings, context=context)
    return CalendarFeedRead(url=_feed_url(request, settings, secret))


@router.get("/calendar-feeds/{secret}.ics", response_class=Response, responses=CALENDAR_RESPONSE)
def calendar_feed(secret: FeedSecret, db: SessionDep, settings: SettingsDep) -> Response:
    """A calendar feed (iCalendar): its URL is the only credential it needs."""
    body = feeds.feed_calendar(db, secret=secret, settings=settings)
    return Response(body, media_type=CALENDAR, headers={"Cache-Control": FEED_CACHE})


@router.get(
    "/organisations/{organisation_id}/bookings/{booking_id}/calendar.ics",
    response_class=Response,
    responses=CALENDAR_RESPONSE,
)
def booking_calendar(
    organisation_id: uuid.UUID, access: BookingDep, db: SessionDep, settings: SettingsDep
) -> Response:
    """The booking as an .ics file to add to a calendar (a series with its changes)."""
    if access.booking.organisation_id != organisation_id:
        raise NotFound("Booking not found.")
    entries = load_calendars(db, booking_ids=[access.booking.id], base_url=settings.public_url)
    body = bookings_ics(entries)
    disposition = f'attachment; filename="booking-{access.booking.id}.ics"'
    return Response(body, media_type=CALENDAR, headers={"Content-Disposition": disposition})


def _feed_url(request: Request, settings: Settings, secret: str) -> str:
    # The configured public URL, as in invitation links: behind a proxy the request's own
    # base may be an internal address a calendar app cannot reach.
    path = request.app.url_path_for("calendar_feed", secret=secret)
    return f"{settings.public_url.rstrip('/')}{path}"

"""Access rows for calendar feeds and .ics downloads.

Everyone signed in has a feed of their own; the feed itself needs no sign-in, its URL's
secret being the credential (an unknown one is not found, for everyone alike). A booking
downloads as .ics for whoever may see it (see rows_bookings).
"""

from tests.access.probes import Row
from tests.access.rows_bookings import BOOKING, SEES_BOOKING
from tests.access.rules import AUTHENTICATED, members, public

# Well-formed (43 URL-safe characters), and the secret of no feed.
NO_SUCH_FEED = "N" * 43

ROWS: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/me/calendar-feed"): Row(AUTHENTICATED),
    # Each actor resets their own feed: nobody else's URL changes.
    ("POST", "/api/v1/me/calendar-feed/reset"): Row(AUTHENTICATED),
    ("GET", "/api/v1/calendar-feeds/{secret}.ics"): Row(
        public(404), values={"secret": lambda world: NO_SUCH_FEED}
    ),
    ("GET", BOOKING + "/calendar.ics"): Row(members(SEES_BOOKING)),
}

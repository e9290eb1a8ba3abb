"""Whose bookings a person's calendar feed carries.

A feed is the person's own calendar: the bookings they organise or take part in, and
only in organisations they still belong to, so leaving one takes its bookings out of the
feed at once. It never carries what their role merely lets them see (a lead's view of
every booking, a supervisor's of their team's).
"""

import uuid
from datetime import datetime

from sqlalchemy import exists, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.models import Membership
from app.models.booking import Booking, BookingOccurrence, BookingParticipant


def feed_bookings(*, user_id: uuid.UUID, ending_after: datetime) -> SelectOfScalar[uuid.UUID]:
    """Ids of the person's own bookings with an occurrence ending after `ending_after`."""
    taking_part = exists().where(
        col(BookingParticipant.booking_id) == Booking.id,
        col(BookingParticipant.user_id) == user_id,
    )
    still_member = exists().where(
        col(Membership.organisation_id) == Booking.organisation_id,
        col(Membership.user_id) == user_id,
    )
    recent = exists().where(
        col(BookingOccurrence.booking_id) == Booking.id,
        col(BookingOccurrence.ends_at) > ending_after,
    )
    return select(col(Booking.id)).where(
        or_(col(Booking.organiser_user_id) == user_id, taking_part), still_member, recent
    )

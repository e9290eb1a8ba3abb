"""Bookings: sessions between organisers and participants, single or recurring, with
clashes refused, calendar feeds and invitations, and coaches' availability."""

"""Access rows for bookings: create, list, read, change, cancel, complete."""

from tests.access.probes import Row

ROWS: dict[tuple[str, str], Row] = {}

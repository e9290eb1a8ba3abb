"""Access rows for calendar feeds and .ics downloads."""

from tests.access.probes import Row

ROWS: dict[tuple[str, str], Row] = {}

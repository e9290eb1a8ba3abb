"""Access rows for coaches' availability, free slots and self-booking."""

from tests.access.probes import Row

ROWS: dict[tuple[str, str], Row] = {}

"""Access rows for ring-fenced time: allocations, logged time, the time report and sign-off."""

from tests.access.probes import Row

ROWS: dict[tuple[str, str], Row] = {}

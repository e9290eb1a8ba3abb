"""Access rows for the recordings lists' "seen" marker: whoever takes part in a
recording's conversation marks it read for themselves; people who see only its details
(the supervisor, leads) are told they take no part (403); anyone else finds nothing (404)."""

from tests.access.probes import Row
from tests.access.rules import CONVERSATION

RECORDING = "/api/v1/recordings/{recording_id}"

ROWS: dict[tuple[str, str], Row] = {
    ("PUT", RECORDING + "/seen"): Row(CONVERSATION),
}

"""Access row for the agreement report: every member of the organisation gets an answer
holding only the recordings they may report on, less those they rate blind (whose, by
role, is tested in tests/reports/test_agreement.py); anyone else finds no organisation
(404)."""

from tests.access.probes import Row, no_query
from tests.access.rules import ORG_MEMBER

ORG = "/api/v1/organisations/{organisation_id}"

ROWS: dict[tuple[str, str], Row] = {
    ("GET", ORG + "/reports/agreement"): Row(ORG_MEMBER, query=no_query),
}

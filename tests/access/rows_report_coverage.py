"""Access rows for the coverage report: every member reads it, counting only the
practitioners in their care (tests/reports/test_coverage_scope.py checks whom)."""

from tests.access.probes import Row, no_query
from tests.access.rules import ORG_MEMBER

ORG = "/api/v1/organisations/{organisation_id}"

ROWS: dict[tuple[str, str], Row] = {
    ("GET", ORG + "/reports/coverage"): Row(ORG_MEMBER, query=no_query),
}

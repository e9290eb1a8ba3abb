"""Access rows for the equity report and the member attributes it groups by.

Every member reads the report, counting only the practitioners in their care. Leads set a
member's attributes (others 403, before the body is read; `{}` is not a valid set, so the
lead's call changes nothing). The names and values in use are for leads and supervisors.
"""

from tests.access.probes import Row, no_query
from tests.access.rules import LEAD_ONLY, MEMBERS, ORG_MEMBER, members

ORG = "/api/v1/organisations/{organisation_id}"
ATTRIBUTE_READERS = frozenset({"lead", "supervisor", "other_supervisor"})

ROWS: dict[tuple[str, str], Row] = {
    ("GET", ORG + "/reports/equity"): Row(ORG_MEMBER, query=no_query),
    ("PUT", ORG + "/members/{membership_id}/attributes"): Row(LEAD_ONLY),
    ("GET", ORG + "/member-attributes"): Row(
        members(ATTRIBUTE_READERS, forbidden=MEMBERS - ATTRIBUTE_READERS)
    ),
}

"""Who may read and set members' attributes (locality, service... as the organisation
defines them).

Every member reads each member's attributes in the members list. Leads set them
(`LeadDep`). The names and values in use, a dashboard's picker for the equity report, are
for leads and supervisors, who compare parts of the workforce; other members get 403.
"""

from typing import Annotated

from fastapi import Depends

from app.access.members import Member, MemberDep, require_role
from app.error_docs import answers
from app.models import Role

ATTRIBUTE_READERS = (Role.lead, Role.supervisor)


@answers(403)
async def current_attribute_reader(member: MemberDep) -> Member:
    require_role(member, *ATTRIBUTE_READERS)
    return member


AttributeReaderDep = Annotated[Member, Depends(current_attribute_reader)]

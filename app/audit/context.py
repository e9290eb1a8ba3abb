"""Where an audited action came from, handed to services as a plain value.

Services never see FastAPI's `Request`: routes take `AuditContextDep`, background work
and the command line pass `SYSTEM`.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.logs import current_request_id


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    request_id: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, request: Request) -> "AuditContext":
        address = request.client.host if request.client is not None else None
        agent = (request.headers.get("user-agent") or "")[:500]
        return cls(ip_address=address, request_id=current_request_id(), user_agent=agent)


SYSTEM = AuditContext()
"""Work no request asked for: processing, purges, the command line."""


async def audit_context(request: Request) -> AuditContext:
    return AuditContext.of(request)


AuditContextDep = Annotated[AuditContext, Depends(audit_context)]

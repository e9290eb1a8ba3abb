"""Writing audit events. Callers pass the request so address and request id are kept."""

import uuid
from typing import Any

from fastapi import Request
from sqlmodel import Session

from app.logs import current_request_id
from app.models import AuditEvent


def client_address(request: Request | None) -> str | None:
    if request is None or request.client is None:
        return None
    return request.client.host


def record(
    session: Session,
    *,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID | str | None = None,
    organisation_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None,
    request: Request | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        action=action,
        resource_type=resource_type,
        resource_id=str(resource_id) if resource_id is not None else None,
        ip_address=client_address(request),
        request_id=current_request_id(),
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event

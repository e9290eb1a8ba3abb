"""Writing audit events: who did what to which resource, when, from where."""

import uuid
from typing import Any

from sqlmodel import Session

from app.audit.context import SYSTEM, AuditContext
from app.logs import current_request_id
from app.models import AuditEvent


def record(
    session: Session,
    *,
    action: str,
    resource_type: str,
    resource_id: uuid.UUID | str | None = None,
    organisation_id: uuid.UUID | None = None,
    actor_user_id: uuid.UUID | None = None,
    context: AuditContext = SYSTEM,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        organisation_id=organisation_id,
        actor_user_id=actor_user_id,
        action=action,
        resource_type=resource_type,
        resource_id=str(resource_id) if resource_id is not None else None,
        ip_address=context.ip_address,
        request_id=context.request_id or current_request_id(),
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event

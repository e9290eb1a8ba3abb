"""Audit trail: who did what to which resource, when and from where."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.models.base import created_at_field, id_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    # The trail a lead reads, newest first, page by page.
    __table_args__ = (
        Index("ix_audit_event_organisation_created", "organisation_id", "created_at"),
        # Whether a person's viewing of a recording was audited already (viewings.py).
        Index(
            "ix_audit_event_actor_resource_created", "actor_user_id", "resource_id", "created_at"
        ),
    )

    id: uuid.UUID = id_field()
    organisation_id: uuid.UUID | None = Field(
        default=None, foreign_key="organisation.id", index=True, ondelete="CASCADE"
    )
    actor_user_id: uuid.UUID | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    action: str = Field(max_length=80, index=True)
    resource_type: str = Field(max_length=80)
    resource_id: str | None = Field(default=None, max_length=80)
    ip_address: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = created_at_field()

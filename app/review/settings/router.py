"""A programme's review rules (double coding, drift, certification, objectives)."""

import uuid

from app.access import LeadDep, MemberDep
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.review.settings import service
from app.review.settings.schemas import ReviewSettingsRead, ReviewSettingsUpdate
from app.routing import TandemRoute, TandemRouter

router = TandemRouter(
    route_class=TandemRoute,
    prefix="/organisations/{organisation_id}/programmes/{programme_id}/review-settings",
    tags=["review"],
)


@router.get("", response_model=ReviewSettingsRead)
def read_review_settings(
    programme_id: uuid.UUID, member: MemberDep, db: SessionDep
) -> ReviewSettingsRead:
    """The programme's review rules; the defaults until a lead changes them."""
    row = service.read_settings(db, member=member, programme_id=programme_id)
    return ReviewSettingsRead.model_validate(row, from_attributes=True)


@router.patch("", response_model=ReviewSettingsRead)
def update_review_settings(
    programme_id: uuid.UUID,
    body: ReviewSettingsUpdate,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> ReviewSettingsRead:
    """Change the programme's review rules (leads). Null switches double coding off."""
    row = service.update_settings(
        db, lead=lead, programme_id=programme_id, body=body, context=context
    )
    return ReviewSettingsRead.model_validate(row, from_attributes=True)

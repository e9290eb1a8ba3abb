"""Fidelity figures per practitioner per programme."""

import uuid

from app.access import MemberDep
from app.db import SessionDep
from app.review.fidelity import service
from app.review.fidelity.schemas import FidelityStatus
from app.routing import TandemRouter
from app.schemas import PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}/fidelity", tags=["review"])


@router.get("", response_model=list[FidelityStatus])
def read_fidelity(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    programme_id: uuid.UUID | None = None,
    practitioner_user_id: uuid.UUID | None = None,
) -> list[FidelityStatus]:
    """Fidelity status per practitioner per programme: latest observations, rolling
    fidelity, whether it meets the threshold, drift, certification. Leads see everyone,
    supervisors their team, coaches their practitioners, practitioners themselves."""
    return service.fidelity_status(
        db,
        member=member,
        page=page,
        programme_id=programme_id,
        practitioner_user_id=practitioner_user_id,
    )

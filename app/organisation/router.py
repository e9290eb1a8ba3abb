"""Organisations, members, assignments and the audit trail."""

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Query, Request

from app.access import LeadDep, MemberDep, require_role, scoped
from app.auth.deps import CurrentUser, SettingsDep
from app.config import Settings
from app.db import SessionDep
from app.models import AuditEvent, Role
from app.notifications import email
from app.organisation import assignments as assignment_service
from app.organisation import service
from app.organisation.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AuditEventRead,
    MemberInvite,
    MemberInvited,
    MemberRead,
    MemberUpdate,
    MeRead,
    OrganisationRead,
    OrganisationUpdate,
)

me_router = APIRouter(tags=["organisations"])
router = APIRouter(prefix="/organisations/{organisation_id}", tags=["organisations"])


@me_router.get("/me", response_model=MeRead)
def read_me(user: CurrentUser, db: SessionDep) -> MeRead:
    """The signed-in person and their memberships (organisation, roles, champion flag)."""
    return service.me(db, user=user)


@router.get("", response_model=OrganisationRead)
def read_organisation(member: MemberDep) -> OrganisationRead:
    """An organisation the caller belongs to, with its settings."""
    return OrganisationRead.model_validate(member.organisation, from_attributes=True)


@router.patch("", response_model=OrganisationRead)
def update_organisation(
    body: OrganisationUpdate, lead: LeadDep, db: SessionDep, request: Request
) -> OrganisationRead:
    """Change the organisation's name, time zone, retention or fidelity default (leads)."""
    organisation = service.update_organisation(db, lead=lead, changes=body, request=request)
    return OrganisationRead.model_validate(organisation, from_attributes=True)


@router.get("/members", response_model=list[MemberRead])
def list_members(member: MemberDep, db: SessionDep) -> list[MemberRead]:
    """Everyone in the organisation with their roles."""
    return service.list_members(db, member=member)


@router.post("/members", response_model=MemberInvited, status_code=201)
def invite_member(
    body: MemberInvite,
    lead: LeadDep,
    db: SessionDep,
    request: Request,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> MemberInvited:
    """Add a member by email; returns a one-time link for them to set a password."""
    invited = service.invite_member(db, lead=lead, body=body, request=request, settings=settings)
    _email_invitation(background, settings, invited, lead.organisation.name)
    return invited


@router.patch("/members/{membership_id}", response_model=MemberRead)
def update_member(
    membership_id: uuid.UUID, body: MemberUpdate, lead: LeadDep, db: SessionDep, request: Request
) -> MemberRead:
    """Change a member's roles or champion flag (leads)."""
    return service.update_member(
        db,
        lead=lead,
        membership_id=membership_id,
        roles=body.roles,
        is_champion=body.is_champion,
        request=request,
    )


@router.delete("/members/{membership_id}", status_code=204)
def remove_member(
    membership_id: uuid.UUID, lead: LeadDep, db: SessionDep, request: Request
) -> None:
    """Remove a member from the organisation, with their assignments (leads)."""
    service.remove_member(db, lead=lead, membership_id=membership_id, request=request)


@router.post("/members/{membership_id}/invitation", response_model=MemberInvited)
def reissue_invitation(
    membership_id: uuid.UUID,
    lead: LeadDep,
    db: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> MemberInvited:
    """Issue a fresh invitation link to a member who has not set a password yet."""
    invited = service.reissue_invitation(
        db, lead=lead, membership_id=membership_id, settings=settings
    )
    _email_invitation(background, settings, invited, lead.organisation.name)
    return invited


def _email_invitation(
    background: BackgroundTasks, settings: Settings, invited: MemberInvited, organisation: str
) -> None:
    # After the response: the transaction has committed, so the link already works.
    if invited.invitation_url and invited.invitation_emailed:
        background.add_task(
            email.send_invitation,
            settings,
            to=invited.member.email,
            organisation_name=organisation,
            url=invited.invitation_url,
        )


@router.get("/assignments", response_model=list[AssignmentRead])
def list_assignments(
    member: MemberDep, db: SessionDep, user_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[AssignmentRead]:
    """Coach and supervisor assignments; leads and supervisors see all, others their own."""
    rows = assignment_service.list_assignments(db, member=member, user_id=user_id)
    return [AssignmentRead.model_validate(row, from_attributes=True) for row in rows]


@router.post("/assignments", response_model=AssignmentRead, status_code=201)
def create_assignment(
    body: AssignmentCreate, lead: LeadDep, db: SessionDep, request: Request
) -> AssignmentRead:
    """Assign a coach or supervisor to a practitioner (leads)."""
    row = assignment_service.create_assignment(db, lead=lead, body=body, request=request)
    return AssignmentRead.model_validate(row, from_attributes=True)


@router.delete("/assignments/{assignment_id}", status_code=204)
def delete_assignment(
    assignment_id: uuid.UUID, lead: LeadDep, db: SessionDep, request: Request
) -> None:
    """End an assignment (leads)."""
    assignment_service.delete_assignment(
        db, lead=lead, assignment_id=assignment_id, request=request
    )


@router.get("/audit-events", response_model=list[AuditEventRead])
def list_audit_events(
    member: MemberDep,
    db: SessionDep,
    action: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AuditEventRead]:
    """The organisation's audit trail, newest first (leads)."""
    require_role(member, Role.lead)
    statement = scoped(AuditEvent, member.organisation_id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    rows = db.exec(statement.order_by(AuditEvent.created_at.desc()).limit(limit))  # type: ignore[attr-defined]
    return [AuditEventRead.model_validate(row, from_attributes=True) for row in rows]

"""Organisations, members, assignments and the audit trail."""

import uuid
from typing import Annotated

from fastapi import BackgroundTasks, Query
from fastapi.responses import StreamingResponse

from app.access import LeadDep, MemberDep
from app.access.attributes import AttributeReaderDep
from app.audit.context import AuditContextDep
from app.auth.deps import CurrentUser
from app.config import Settings, SettingsDep
from app.db import SessionDep
from app.error_docs import error_responses
from app.notifications import email
from app.organisation import assignments as assignment_service
from app.organisation import attributes, audit_trail, invitations, service
from app.organisation.audit_trail import AuditFiltersDep
from app.organisation.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AttributeInUse,
    AuditEventRead,
    InvitationIssued,
    InvitationRead,
    MemberAttributes,
    MemberInvite,
    MemberRead,
    MemberUpdate,
    MeRead,
    OrganisationRead,
    OrganisationUpdate,
)
from app.reports.csv import CSV_CONTENT, csv_download
from app.routing import TandemRouter
from app.schemas import PageDep

me_router = TandemRouter(tags=["organisations"])
router = TandemRouter(prefix="/organisations/{organisation_id}", tags=["organisations"])


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
    body: OrganisationUpdate, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> OrganisationRead:
    """Change the organisation's name, time zone, retention or fidelity default (leads)."""
    organisation = service.update_organisation(db, lead=lead, changes=body, context=context)
    return OrganisationRead.model_validate(organisation, from_attributes=True)


@router.get("/members", response_model=list[MemberRead])
def list_members(member: MemberDep, db: SessionDep, page: PageDep) -> list[MemberRead]:
    """Everyone in the organisation with their roles, in the order they joined."""
    return service.list_members(db, member=member, page=page)


@router.post(
    "/members", response_model=InvitationIssued, status_code=201, responses=error_responses(409)
)
def invite_member(
    body: MemberInvite,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> InvitationIssued:
    """Invite someone by email with the roles they will hold: they join when they accept
    the one-time link (emailed when SMTP is set up). Inviting again sends a new link."""
    issued = invitations.invite_member(db, lead=lead, body=body, context=context, settings=settings)
    _email_invitation(background, settings, issued, lead.organisation.name)
    return issued


@router.patch("/members/{membership_id}", response_model=MemberRead, responses=error_responses(409))
def update_member(
    membership_id: uuid.UUID,
    body: MemberUpdate,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> MemberRead:
    """Change a member's roles or champion flag (leads)."""
    return service.update_member(
        db,
        lead=lead,
        membership_id=membership_id,
        roles=body.roles,
        is_champion=body.is_champion,
        context=context,
    )


@router.delete("/members/{membership_id}", status_code=204, responses=error_responses(409))
def remove_member(
    membership_id: uuid.UUID, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> None:
    """Remove a member from the organisation, with their assignments (leads)."""
    service.remove_member(db, lead=lead, membership_id=membership_id, context=context)


@router.put("/members/{membership_id}/attributes", response_model=MemberAttributes)
def replace_member_attributes(
    membership_id: uuid.UUID,
    body: MemberAttributes,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
) -> MemberAttributes:
    """Set a member's attributes the organisation defines (locality, service...): the set
    sent replaces the one held, `{}` clears it (leads). The equity report compares
    practitioners by them."""
    return attributes.replace_attributes(
        db, lead=lead, membership_id=membership_id, body=body, context=context
    )


@router.get("/member-attributes", response_model=list[AttributeInUse])
def list_member_attributes(
    member: AttributeReaderDep, db: SessionDep, page: PageDep
) -> list[AttributeInUse]:
    """The attribute names members hold, alphabetically, each with the values in use (leads
    and supervisors): what the equity report can compare."""
    return attributes.attributes_in_use(db, member=member, page=page)


@router.post(
    "/members/{membership_id}/invitation",
    response_model=InvitationIssued,
    responses=error_responses(409),
)
def invite_existing_member(
    membership_id: uuid.UUID,
    lead: LeadDep,
    db: SessionDep,
    context: AuditContextDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> InvitationIssued:
    """A one-time link for a member who cannot sign in yet, to set their password."""
    issued = invitations.invite_existing_member(
        db, lead=lead, membership_id=membership_id, context=context, settings=settings
    )
    _email_invitation(background, settings, issued, lead.organisation.name)
    return issued


@router.get("/invitations", response_model=list[InvitationRead])
def list_invitations(lead: LeadDep, db: SessionDep, page: PageDep) -> list[InvitationRead]:
    """Invitations not yet accepted, with the roles they carry, oldest first (leads)."""
    return invitations.list_invitations(db, lead=lead, page=page)


@router.delete("/invitations/{invitation_id}", status_code=204)
def withdraw_invitation(
    invitation_id: uuid.UUID, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> None:
    """Withdraw an invitation that has not been accepted: its link stops working (leads)."""
    invitations.withdraw_invitation(db, lead=lead, invitation_id=invitation_id, context=context)


def _email_invitation(
    background: BackgroundTasks, settings: Settings, issued: InvitationIssued, organisation: str
) -> None:
    # After the response: the transaction has committed, so the link already works.
    if issued.invitation_emailed:
        background.add_task(
            email.send_invitation,
            settings,
            to=issued.invitation.email,
            organisation_name=organisation,
            url=issued._link,
        )


@router.get("/assignments", response_model=list[AssignmentRead])
def list_assignments(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    user_id: Annotated[uuid.UUID | None, Query()] = None,
) -> list[AssignmentRead]:
    """Coach and supervisor assignments; leads and supervisors see all, others their own."""
    rows = assignment_service.list_assignments(db, member=member, user_id=user_id, page=page)
    return [AssignmentRead.model_validate(row, from_attributes=True) for row in rows]


@router.post(
    "/assignments", response_model=AssignmentRead, status_code=201, responses=error_responses(409)
)
def create_assignment(
    body: AssignmentCreate, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> AssignmentRead:
    """Assign a coach or supervisor to a practitioner (leads)."""
    row = assignment_service.create_assignment(db, lead=lead, body=body, context=context)
    return AssignmentRead.model_validate(row, from_attributes=True)


@router.delete("/assignments/{assignment_id}", status_code=204)
def delete_assignment(
    assignment_id: uuid.UUID, lead: LeadDep, db: SessionDep, context: AuditContextDep
) -> None:
    """End an assignment (leads)."""
    assignment_service.delete_assignment(
        db, lead=lead, assignment_id=assignment_id, context=context
    )


@router.get(
    "/audit-events",
    response_model=list[AuditEventRead],
    responses={**CSV_CONTENT, **error_responses(403)},
)
def list_audit_events(
    lead: LeadDep, db: SessionDep, page: PageDep, filters: AuditFiltersDep
) -> list[AuditEventRead] | StreamingResponse:
    """The organisation's audit trail, newest first (leads): narrowed by `action`,
    `actor_user_id`, the target (`resource_type`, `resource_id`) and days of the
    organisation's calendar (`from`, `to`, both included). `format=csv` (or
    `Accept: text/csv`) answers every event the filters keep as CSV, whatever the page."""
    if filters.csv:
        events = audit_trail.every_event(db, lead=lead, filters=filters)
        filename = audit_trail.csv_filename(filters)
        return csv_download(events, model=AuditEventRead, filename=filename)
    return audit_trail.list_events(db, lead=lead, filters=filters, page=page)


@router.get("/audit-actions", response_model=list[str], responses=error_responses(403))
def list_audit_actions(lead: LeadDep, db: SessionDep, page: PageDep) -> list[str]:
    """The actions the organisation's audit trail holds, alphabetically: what `action`
    can narrow it to (leads)."""
    return audit_trail.list_actions(db, lead=lead, page=page)

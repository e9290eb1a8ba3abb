"""Ring-fenced time: allocations, logged time, sign-offs and the time report."""

import uuid
from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from app.access import MemberDep
from app.access import time as policy
from app.access.reports import PeopleFilters
from app.audit.context import AuditContextDep
from app.db import SessionDep
from app.error_docs import answers, error_responses
from app.models import TimeAllocation, TimeCategory, TimeEntry, TimeSignOff
from app.reports.csv import CSV_CONTENT, csv_response
from app.reports.filters import ReportFiltersDep
from app.ringfenced import allocations, entries, report, report_groups, sign_off
from app.ringfenced.schemas import (
    AllocationCreate,
    AllocationRead,
    AllocationUpdate,
    ErodedPractitioner,
    SignOffCreate,
    SignOffRead,
    SignOffReopen,
    TimeEntryCreate,
    TimeEntryRead,
    TimeGroupRow,
    TimeReportRow,
)
from app.routing import TandemRouter
from app.schemas import IsoDate, PageDep

router = TandemRouter(prefix="/organisations/{organisation_id}", tags=["ring-fenced time"])

FirstDay = Annotated[IsoDate | None, Query(alias="from", description="First day (included).")]
LastDay = Annotated[IsoDate | None, Query(alias="to", description="Last day (included).")]


@answers(403)
def _managed_allocation(
    allocation_id: uuid.UUID, member: MemberDep, db: SessionDep
) -> TimeAllocation:
    allocation = policy.load_visible_row(
        db, TimeAllocation, member=member, row_id=allocation_id, label="Allocation"
    )
    policy.require_manage(db, member=member, practitioner_user_id=allocation.practitioner_user_id)
    return allocation


@answers(403)
def _removable_entry(time_entry_id: uuid.UUID, member: MemberDep, db: SessionDep) -> TimeEntry:
    entry = policy.load_visible_row(
        db, TimeEntry, member=member, row_id=time_entry_id, label="Time entry"
    )
    policy.require_log(db, member=member, practitioner_user_id=entry.practitioner_user_id)
    return entry


@answers(403)
def _managed_sign_off(sign_off_id: uuid.UUID, member: MemberDep, db: SessionDep) -> TimeSignOff:
    row = policy.load_visible_row(
        db, TimeSignOff, member=member, row_id=sign_off_id, label="Sign-off"
    )
    policy.require_manage(db, member=member, practitioner_user_id=row.practitioner_user_id)
    return row


# Refused before the body is read: who may not change it gets 403, who may not see it 404.
ManagedAllocationDep = Annotated[TimeAllocation, Depends(_managed_allocation)]
RemovableEntryDep = Annotated[TimeEntry, Depends(_removable_entry)]
ManagedSignOffDep = Annotated[TimeSignOff, Depends(_managed_sign_off)]


@router.get("/allocations", response_model=list[AllocationRead])
def list_allocations(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    practitioner_user_id: uuid.UUID | None = None,
    category: TimeCategory | None = None,
) -> list[AllocationRead]:
    """Allocations of the practitioners whose time the caller may see: their own, their
    team's (supervisors), their coachees' (coaches); leads see all."""
    rows = allocations.list_allocations(
        db, member=member, page=page, practitioner_user_id=practitioner_user_id, category=category
    )
    return [AllocationRead.model_validate(row) for row in rows]


@router.post(
    "/allocations", response_model=AllocationRead, status_code=201, responses=error_responses(409)
)
def create_allocation(
    body: AllocationCreate, member: policy.TimeManagerDep, db: SessionDep, context: AuditContextDep
) -> AllocationRead:
    """Ring-fence minutes per week or month of a category for a practitioner, from a day
    (and until a day, both included). The practitioner's supervisor or a lead; 409
    `allocation_overlap` when another allocation of theirs in the category shares a day."""
    row = allocations.create_allocation(db, member=member, body=body, context=context)
    return AllocationRead.model_validate(row)


@router.patch(
    "/allocations/{allocation_id}", response_model=AllocationRead, responses=error_responses(409)
)
def update_allocation(
    body: AllocationUpdate,
    allocation: ManagedAllocationDep,
    member: MemberDep,
    db: SessionDep,
    context: AuditContextDep,
) -> AllocationRead:
    """Change an allocation's minutes, period or dates."""
    row = allocations.update_allocation(
        db, member=member, allocation=allocation, body=body, context=context
    )
    return AllocationRead.model_validate(row)


@router.delete("/allocations/{allocation_id}", status_code=204)
def delete_allocation(
    allocation: ManagedAllocationDep, member: MemberDep, db: SessionDep, context: AuditContextDep
) -> None:
    """Remove an allocation: the report no longer counts it, for past days too."""
    allocations.delete_allocation(db, member=member, allocation=allocation, context=context)


@router.get("/time-entries", response_model=list[TimeEntryRead])
def list_time_entries(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    practitioner_user_id: uuid.UUID | None = None,
    category: TimeCategory | None = None,
) -> list[TimeEntryRead]:
    """Time logged outside sessions, newest day first, of the practitioners whose time the
    caller may see."""
    rows = entries.list_entries(
        db,
        member=member,
        page=page,
        practitioner_user_id=practitioner_user_id,
        category=category,
        first_day=first_day,
        last_day=last_day,
    )
    return [TimeEntryRead.model_validate(row) for row in rows]


@router.post(
    "/time-entries", response_model=TimeEntryRead, status_code=201, responses=error_responses(409)
)
def log_time(
    body: TimeEntryCreate, member: policy.TimeLoggerDep, db: SessionDep, context: AuditContextDep
) -> TimeEntryRead:
    """Log time spent outside sessions (planning, self-study...) on a day up to today: a
    practitioner their own, a supervisor or lead for their practitioners. 409
    `period_signed_off` for a day in a signed-off period."""
    return TimeEntryRead.model_validate(
        entries.log_time(db, member=member, body=body, context=context)
    )


@router.delete("/time-entries/{time_entry_id}", status_code=204, responses=error_responses(409))
def delete_time_entry(
    entry: RemovableEntryDep, member: MemberDep, db: SessionDep, context: AuditContextDep
) -> None:
    """Remove logged time; 409 `period_signed_off` when its day is signed off."""
    entries.delete_entry(db, member=member, entry=entry, context=context)


@router.get("/time-sign-offs", response_model=list[SignOffRead])
def list_sign_offs(
    member: MemberDep, db: SessionDep, page: PageDep, practitioner_user_id: uuid.UUID | None = None
) -> list[SignOffRead]:
    """Signed-off periods, newest first, reopened ones included with who reopened them and why."""
    rows = sign_off.list_sign_offs(
        db, member=member, page=page, practitioner_user_id=practitioner_user_id
    )
    return [SignOffRead.model_validate(row) for row in rows]


@router.post(
    "/time-sign-offs", response_model=SignOffRead, status_code=201, responses=error_responses(409)
)
def create_sign_off(
    body: SignOffCreate, member: policy.TimeManagerDep, db: SessionDep, context: AuditContextDep
) -> SignOffRead:
    """Confirm a practitioner's time for a period up to today (their supervisor or a lead):
    time logged on its days is locked until it is reopened."""
    return SignOffRead.model_validate(
        sign_off.sign_off(db, member=member, body=body, context=context)
    )


@router.post(
    "/time-sign-offs/{sign_off_id}/reopen",
    response_model=SignOffRead,
    responses=error_responses(409),
)
def reopen_sign_off(
    body: SignOffReopen,
    row: ManagedSignOffDep,
    member: MemberDep,
    db: SessionDep,
    context: AuditContextDep,
) -> SignOffRead:
    """Reopen a signed-off period, saying why (audited): its days unlock."""
    return SignOffRead.model_validate(
        sign_off.reopen(db, member=member, sign_off=row, body=body, context=context)
    )


TimeGrouping = Annotated[
    Literal["practitioner", "supervisor", "organisation"],
    Query(description="Rows per practitioner, per team (supervisor) or for the organisation."),
]


@router.get(
    "/reports/time",
    response_model=list[TimeReportRow] | list[TimeGroupRow],
    responses=CSV_CONTENT,
)
def read_time_report(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    filters: ReportFiltersDep,
    by: TimeGrouping = "practitioner",
) -> list[TimeReportRow] | list[TimeGroupRow] | StreamingResponse:
    """Ring-fenced time per practitioner and category over days in the organisation's zone
    (`from`, `to`, both included; this month by default): allocated, scheduled, used,
    remaining, utilisation and erosion; or (`by`) the same summed per team or for the
    organisation, with how many practitioners' time is eroded. Leads see everyone,
    supervisors their team, coaches their coachees, practitioners themselves; the filters
    narrow that (time is not kept per programme: `programme_id` is refused).
    `format=csv` (or `Accept: text/csv`) answers every row as CSV, whatever the page."""
    query = report.report_query(
        db,
        member=member,
        filters=filters,
        first_day=filters.first_day,
        last_day=filters.last_day,
    )
    days = {"first_day": query.days.first, "last_day": query.days.last}
    if by != "practitioner":
        if filters.csv:
            groups = report_groups.time_groups(db, query=query, by=by)
            return csv_response(groups, model=TimeGroupRow, report="time", **days)
        return report_groups.time_groups(db, query=query, by=by, page=page)
    if filters.csv:
        rows = report.time_report(db, query=query)
        return csv_response(rows, model=TimeReportRow, report="time", **days)
    return report.time_report(db, query=query, page=page)


@router.get("/reports/time/erosion", response_model=list[ErodedPractitioner])
def read_erosion(
    member: MemberDep,
    db: SessionDep,
    page: PageDep,
    first_day: FirstDay = None,
    last_day: LastDay = None,
    supervisor_user_id: uuid.UUID | None = None,
) -> list[ErodedPractitioner]:
    """Practitioners whose ring-fenced time is being eroded over the days asked for
    (cancelled by the organisation, or used under the organisation's tolerance once the
    days have ended), by name, each with the eroded categories."""
    query = report.report_query(
        db,
        member=member,
        filters=PeopleFilters(supervisor_user_id=supervisor_user_id),
        first_day=first_day,
        last_day=last_day,
    )
    return report.eroded_practitioners(db, query=query, page=page)

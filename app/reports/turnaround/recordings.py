"""The recordings the turnaround report follows, and when each reviewer first answered.

A recording counts from the moment its upload completed (`uploaded_at`: the practitioner
has done their part; processing is ours), when that falls within the report's days.
Uploads never completed and rejected recordings have nothing to review and are left out.
An erased recording keeps the times measured before it went, and waits for nobody.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, and_, func, select
from sqlmodel import col

from app.access.figures import not_blind, reportable_comments, reportable_observations
from app.access.members import Member
from app.access.reports import PractitionerCondition
from app.models import (
    Assignment,
    FirstComment,
    Membership,
    MembershipRole,
    Observation,
    Recording,
    RecordingStatus,
    Role,
)
from app.models.organisation import AssignmentKind
from app.reports.period import DateRange
from app.reports.turnaround.elapsed import elapsed_seconds


@dataclass(frozen=True)
class TurnaroundQuery:
    """What the caller asked for, checked: the days, whose recordings, and now (from
    when a recording has waited too long)."""

    member: Member
    days: DateRange
    practitioners: PractitionerCondition
    programme_id: uuid.UUID | None
    now: datetime


def uploads(query: TurnaroundQuery) -> CTE:
    owner: Any = Recording.owner_user_id  # a mapped attribute is a column expression too
    uploaded_at = col(Recording.uploaded_at)
    statement: Select[Any] = select(
        col(Recording.id).label("recording_id"),
        owner.label("practitioner_user_id"),
        uploaded_at.label("uploaded_at"),
        (col(Recording.status) != RecordingStatus.deleted).label("still_open"),
        # Once per recording here, not once per comment and observation.
        not_blind(query.member, col(Recording.id)).label("unblind"),
    ).where(
        col(Recording.organisation_id) == query.member.organisation_id,
        uploaded_at >= query.days.starts_at,
        uploaded_at < query.days.ends_at,
        col(Recording.status) != RecordingStatus.rejected,
        query.practitioners(owner),
    )
    if query.programme_id is not None:
        statement = statement.where(col(Recording.programme_id) == query.programme_id)
    return statement.cte("upload")


def first_comments(query: TurnaroundQuery, uploaded: CTE) -> CTE:
    """Each reviewer's first comment (a thread or a reply) on each recording: kept as
    comments are written and deleted (app/review/first_comments.py), one row each."""
    kept = FirstComment
    recording = col(kept.recording_id)
    return (
        _with_upload(
            uploaded,
            recording=recording,
            reviewer=col(kept.author_user_id),
            answered_at=col(kept.first_at),
        )
        .select_from(kept)
        .join(uploaded, uploaded.c.recording_id == recording)
        .where(
            reportable_comments(
                query.member, uploaded.c.practitioner_user_id, unblind=uploaded.c.unblind
            )
        )
        .cte("answered_by_comment")
    )


def first_observations(query: TurnaroundQuery, uploaded: CTE) -> CTE:
    """Each rater's first submitted observation of each recording (a rater may score it
    on two versions of a rubric: the first submission answers the practitioner)."""
    recording, rater = col(Observation.recording_id), col(Observation.rater_user_id)
    upload = _upload_columns(uploaded)
    return (
        _with_upload(
            uploaded,
            recording=recording,
            reviewer=rater,
            answered_at=func.min(col(Observation.submitted_at)),
        )
        .select_from(Observation)
        .join(uploaded, uploaded.c.recording_id == recording)
        .where(reportable_observations(query.member, unblind=uploaded.c.unblind))
        .group_by(recording, rater, *upload)
        .cte("answered_by_observation")
    )


def _upload_columns(uploaded: CTE) -> tuple[ColumnElement[Any], ...]:
    """What the waiting counts need of an answer's upload: its practitioner, its time and
    whether it is still open."""
    return (uploaded.c.practitioner_user_id, uploaded.c.uploaded_at, uploaded.c.still_open)


def _with_upload(uploaded: CTE, *, recording: Any, reviewer: Any, answered_at: Any) -> Select[Any]:
    """(recording, reviewer, whole seconds from the upload to their first answer), with
    `_upload_columns`. The columns are mapped attributes (column expressions too)."""
    return select(
        recording.label("recording_id"),
        reviewer.label("reviewer_user_id"),
        elapsed_seconds(uploaded.c.uploaded_at, answered_at).label("seconds"),
        *_upload_columns(uploaded),
    )


def coaches(query: TurnaroundQuery) -> Select[Any]:
    """(coach, practitioner) for each coach assigned now, in the coach role: the coaches a
    waiting practitioner is waiting for."""
    staff = col(Assignment.staff_user_id)
    organisation_id = query.member.organisation_id
    columns: list[Any] = [
        staff.label("reviewer_user_id"),
        col(Assignment.practitioner_user_id).label("practitioner_user_id"),
    ]
    return (
        select(*columns)
        .join(
            Membership,
            and_(
                col(Membership.organisation_id) == organisation_id,
                col(Membership.user_id) == staff,
            ),
        )
        .join(
            MembershipRole,
            and_(
                col(MembershipRole.membership_id) == col(Membership.id),
                col(MembershipRole.role) == Role.coach,
            ),
        )
        .where(
            col(Assignment.organisation_id) == organisation_id,
            col(Assignment.kind) == AssignmentKind.coach,
        )
    )

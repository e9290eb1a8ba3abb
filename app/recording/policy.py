"""Who may see a recording, its details or its media. Built on app/access.py.

Media (and the poster frame, which shows the family too): the owner, the coaches
assigned to the owner, and people a lead granted access to that recording (second
raters). Details only: every other member of the organisation. Other organisations:
nothing, the recording does not exist for them (404).
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, or_, select

from app.access import Member, member_of
from app.errors import Forbidden, NotFound
from app.models import Assignment, Recording, RecordingAccessGrant, Role, User
from app.models.organisation import AssignmentKind


@dataclass(frozen=True)
class RecordingAccess:
    member: Member
    recording: Recording
    may_view_media: bool


def find_grant(
    db: Session, *, recording_id: uuid.UUID, user_id: uuid.UUID
) -> RecordingAccessGrant | None:
    statement = select(RecordingAccessGrant).where(
        RecordingAccessGrant.recording_id == recording_id,
        RecordingAccessGrant.user_id == user_id,
    )
    return db.exec(statement).first()


def has_grant(db: Session, *, recording_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    return find_grant(db, recording_id=recording_id, user_id=user_id) is not None


def may_view_media(db: Session, *, member: Member, recording: Recording) -> bool:
    return recording.id in media_viewable(db, member=member, recordings=[recording])


def media_viewable(db: Session, *, member: Member, recordings: list[Recording]) -> set[uuid.UUID]:
    """Which of these recordings this member may watch (the rule for media, in one place),
    in at most two queries however many recordings there are."""
    coached: set[uuid.UUID] = set()
    if member.has(Role.coach):
        statement = select(Assignment.practitioner_user_id).where(
            Assignment.organisation_id == member.organisation_id,
            Assignment.kind == AssignmentKind.coach,
            Assignment.staff_user_id == member.user.id,
        )
        coached = set(db.exec(statement))
    granted = set(
        db.exec(
            select(RecordingAccessGrant.recording_id).where(
                RecordingAccessGrant.user_id == member.user.id,
                col(RecordingAccessGrant.recording_id).in_([row.id for row in recordings]),
            )
        )
    )
    return {
        row.id
        for row in recordings
        if row.owner_user_id == member.user.id or row.owner_user_id in coached or row.id in granted
    }


def recording_access(db: Session, *, user: User, recording_id: uuid.UUID) -> RecordingAccess:
    """The recording as this caller may see it, or 404 when they may not see it at all."""
    recording = db.get(Recording, recording_id)
    if recording is None:
        raise NotFound("Recording not found.")
    try:
        member = member_of(db, user=user, organisation_id=recording.organisation_id)
    except NotFound:
        raise NotFound("Recording not found.") from None
    return RecordingAccess(
        member, recording, may_view_media(db, member=member, recording=recording)
    )


def require_media(access: RecordingAccess) -> None:
    if not access.may_view_media:
        raise Forbidden(
            "Only the practitioner, their coaches and people granted access may see this "
            "recording's media.",
            code="media_not_permitted",
        )


def require_owner_or_lead(access: RecordingAccess) -> None:
    if access.recording.owner_user_id != access.member.user.id and not access.member.has(Role.lead):
        raise Forbidden("Only the practitioner who made the recording or a lead may do this.")


def listing_filter(db: Session, *, member: Member) -> ColumnElement[bool] | None:
    """Which recordings a list shows this member (None: all of the organisation's, for leads).

    Own recordings, the practitioners they coach or supervise, and grants to them.
    """
    if member.has(Role.lead):
        return None
    kinds = [
        kind
        for kind, role in (
            (AssignmentKind.coach, Role.coach),
            (AssignmentKind.supervisor, Role.supervisor),
        )
        if member.has(role)
    ]
    practitioners = select(Assignment.practitioner_user_id).where(
        Assignment.organisation_id == member.organisation_id,
        Assignment.staff_user_id == member.user.id,
        col(Assignment.kind).in_(kinds),
    )
    granted = select(RecordingAccessGrant.recording_id).where(
        RecordingAccessGrant.user_id == member.user.id
    )
    return or_(
        col(Recording.owner_user_id) == member.user.id,
        col(Recording.owner_user_id).in_(practitioners),
        col(Recording.id).in_(granted),
    )

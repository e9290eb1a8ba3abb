"""Who may see a recording and each part of it.

- Details (title, status, consent, figures): the practitioner who made it, their
  assigned coaches and supervisors, its second raters, people a lead granted access, and
  leads, who manage it (consent, grants, second raters, retention).
- Media and poster frame (they show the family): the practitioner, their assigned
  coaches, its second raters, people granted access and the raters of a calibration
  exercise on it. Leads watch only through a
  grant; supervisors never.
- A guest reviewer (an external expert) knows only the recordings granted to them, and
  only until the grant expires (relations.py): their media, poster and conversation.
- The conversation (comments): the people who may watch the media; a rater who has not
  submitted yet sees only their own threads (`conversation.py`).
- An erased recording (consent withdrawn, retention) stays a tombstone for its
  practitioner and the leads; for everyone else it is gone.

Anyone else, in or out of the organisation: 404. Someone who may see the details but not a
part: 403 with a code naming the part. Lists and single reads use the same SQL rule.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, true
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import relations
from app.access.members import Member, MemberTemplate, Principal, bound_to, member_of
from app.auth.deps import CurrentUser
from app.db import SessionDep
from app.error_docs import answers
from app.errors import Forbidden, NotFound
from app.models import Recording, RecordingAccessGrant, RecordingStatus, Role, User


@dataclass(frozen=True)
class Relations:
    """The relation rules for one member, as SQL conditions on Recording."""

    owner: ColumnElement[bool]
    coach: ColumnElement[bool]
    supervisor: ColumnElement[bool]
    second_rater: ColumnElement[bool]
    granted: ColumnElement[bool]
    calibrating: ColumnElement[bool]
    blind: ColumnElement[bool]


def _relations(member: Principal) -> Relations:
    owner_id = col(Recording.owner_user_id)
    recording_id = col(Recording.id)
    live = col(Recording.status) != RecordingStatus.deleted
    coach = and_(live, owner_id.in_(relations.coached(member)))
    second_rater = and_(live, recording_id.in_(relations.second_rated(member)))
    potential_rater = or_(
        recording_id.in_(relations.rated_by(member)),
        second_rater,
        and_(coach, recording_id.in_(relations.double_coded())),
    )
    return Relations(
        owner=owner_id == member.user_id,
        coach=coach,
        supervisor=and_(live, owner_id.in_(relations.supervised(member))),
        second_rater=second_rater,
        granted=and_(live, recording_id.in_(relations.granted(member))),
        calibrating=and_(live, recording_id.in_(relations.calibrating(member))),
        blind=or_(
            and_(potential_rater, recording_id.not_in(relations.rated_by(member, submitted=True))),
            # A calibration's raters stay blind until it closes, submitted or not: they are
            # measured against a gold standard that may be an observation of this recording.
            recording_id.in_(relations.calibrating(member, open_only=True)),
        ),
    )


def _media(rel: Relations) -> ColumnElement[bool]:
    return or_(rel.owner, rel.coach, rel.second_rater, rel.granted, rel.calibrating)


def _details(member: Principal, rel: Relations) -> ColumnElement[bool]:
    if member.has(Role.lead):
        return true()
    return or_(_media(rel), rel.supervisor)


def media_rule(member: Principal) -> ColumnElement[bool]:
    """The recordings whose media this member may watch."""
    return _media(_relations(member))


def details_rule(member: Principal) -> ColumnElement[bool]:
    """The recordings this member may know about at all."""
    return _details(member, _relations(member))


def blind_rule(member: Principal) -> ColumnElement[bool]:
    """Recordings this member rates (or may be asked to) and has not submitted on yet:
    other raters' scores and comments stay hidden from them."""
    return _relations(member).blind


@dataclass(frozen=True)
class RecordingAccess:
    """A recording and what the caller may do with it, settled once per request."""

    member: Member
    recording: Recording
    is_owner: bool
    coaches_owner: bool
    supervises_owner: bool
    is_second_rater: bool
    is_granted: bool
    is_calibrating: bool
    is_blind: bool

    @property
    def may_view_media(self) -> bool:
        return (
            self.is_owner
            or self.coaches_owner
            or self.is_second_rater
            or self.is_granted
            or self.is_calibrating
        )

    @property
    def watches_by_grant_alone(self) -> bool:
        """Whether the caller may watch only through a grant, so only until it ends."""
        return self.is_granted and not (
            self.is_owner or self.coaches_owner or self.is_second_rater or self.is_calibrating
        )

    @property
    def may_manage(self) -> bool:
        return self.member.has(Role.lead)

    @property
    def is_guest(self) -> bool:
        """A guest reviewer: the media, poster and conversation of a recording granted to
        them, nothing more (no observations, reflection or consent)."""
        return self.member.has(Role.guest)


def access_to(db: Session, *, member: Member, recording_id: uuid.UUID) -> RecordingAccess:
    """The recording as this member may see it, or 404 when they may not see it at all."""
    values = {**bound_to(member), "recording_id": recording_id}
    row = db.execute(_access_statement(member.roles), values).first()
    if row is None:
        raise NotFound("Recording not found.")
    recording, *flags = row
    return RecordingAccess(member, recording, *(bool(flag) for flag in flags))


@lru_cache(maxsize=64)
def _access_statement(
    roles: frozenset[Role],
) -> Select[Recording, bool, bool, bool, bool, bool, bool, bool]:
    """`access_to`'s query for members holding `roles` (see `MemberTemplate`)."""
    member = MemberTemplate(roles)
    rel = _relations(member)
    return sa_select(
        Recording,
        rel.owner.label("owner"),
        rel.coach.label("coach"),
        rel.supervisor.label("supervisor"),
        rel.second_rater.label("second_rater"),
        rel.granted.label("granted"),
        rel.calibrating.label("calibrating"),
        rel.blind.label("blind"),
    ).where(
        col(Recording.id) == bindparam("recording_id"),
        col(Recording.organisation_id) == member.organisation_id,
        _details(member, rel),
    )


def recording_access(
    db: Session, *, user: User, recording_id: uuid.UUID, label: str = "Recording"
) -> RecordingAccess:
    """The recording as this caller may see it, or 404 naming `label` (the resource the
    caller asked for), also for other organisations."""
    recording = db.get(Recording, recording_id)
    if recording is None:
        raise NotFound(f"{label} not found.")
    member = member_of(db, user=user, organisation_id=recording.organisation_id, label=label)
    try:
        return access_to(db, member=member, recording_id=recording_id)
    except NotFound:
        raise NotFound(f"{label} not found.") from None


def visible_recordings(member: Member) -> tuple[SelectOfScalar[Recording], dict[str, uuid.UUID]]:
    """The recordings this member may know about (`details_rule` in their organisation),
    as a statement to narrow and order further, and the values to run it with. Built once
    per set of roles (see `MemberTemplate`): every recordings list asks it."""
    return _visible_statement(member.roles), bound_to(member)


@lru_cache(maxsize=64)
def _visible_statement(roles: frozenset[Role]) -> SelectOfScalar[Recording]:
    member = MemberTemplate(roles)
    return select(Recording).where(
        col(Recording.organisation_id) == member.organisation_id,
        _details(member, _relations(member)),
    )


def media_viewable(db: Session, *, member: Member, recordings: list[Recording]) -> set[uuid.UUID]:
    """Which of these recordings this member may watch, in one query."""
    if not recordings:
        return set()
    values = {**bound_to(member), "recording_ids": [row.id for row in recordings]}
    return set(db.execute(_viewable_statement(member.roles), values).scalars())


@lru_cache(maxsize=64)
def _viewable_statement(roles: frozenset[Role]) -> Select[uuid.UUID]:
    """`media_viewable`'s query for members holding `roles` (see `MemberTemplate`)."""
    member = MemberTemplate(roles)
    return sa_select(col(Recording.id)).where(
        col(Recording.id).in_(bindparam("recording_ids", expanding=True)),
        _media(_relations(member)),
    )


def media_access_ends_at(db: Session, access: RecordingAccess) -> datetime | None:
    """When the caller's right to watch the media ends, where it rests on a grant with an
    end alone (a guest's always has one): a link to the media must not outlive it."""
    if not access.watches_by_grant_alone:
        return None
    grant = col(RecordingAccessGrant.expires_at)
    return db.exec(
        select(grant).where(
            col(RecordingAccessGrant.organisation_id) == access.member.organisation_id,
            col(RecordingAccessGrant.recording_id) == access.recording.id,
            col(RecordingAccessGrant.user_id) == access.member.user_id,
        )
    ).first()


def _inside_the_team(member: Member) -> bool:
    """A member with a role beyond guest reviewer: a guest (an outside expert) is shown
    the recording granted to them and nothing of the team or the family's record."""
    return bool(member.roles - {Role.guest})


def names_people(member: Member) -> bool:
    """Whether recordings name their practitioner and coaches to this member: everyone who
    may see a recording's details, except a guest reviewer."""
    return _inside_the_team(member)


def shows_consent(member: Member) -> bool:
    """Whether recordings show this member their consent record (who obtained the family's
    consent, how, its scope): everyone who may see a recording's details, except a guest
    reviewer."""
    return _inside_the_team(member)


def require_media(access: RecordingAccess) -> None:
    if not access.may_view_media:
        raise Forbidden(
            "Only the practitioner, their coaches, its raters and people granted access may "
            "see this recording's media.",
            code="media_not_permitted",
        )


def require_conversation(access: RecordingAccess) -> None:
    if not access.may_view_media:
        raise Forbidden(
            "Only the practitioner, their coaches, its raters and people granted access take "
            "part in the conversation about this recording.",
            code="conversation_not_permitted",
        )


def require_manager(access: RecordingAccess) -> None:
    if not access.may_manage:
        raise Forbidden(
            "Only a lead of this organisation may manage who sees this recording.",
            code="lead_required",
        )


def require_owner_or_lead(access: RecordingAccess) -> None:
    if not (access.is_owner or access.may_manage):
        raise Forbidden(
            "Only the practitioner who made the recording or a lead may do this.",
            code="owner_or_lead_required",
        )


def _recording_dependency(
    recording_id: uuid.UUID, user: CurrentUser, db: SessionDep
) -> RecordingAccess:
    # A dependency, so a caller who may not see the recording gets 404 before the body
    # is even validated.
    return recording_access(db, user=user, recording_id=recording_id)


RecordingAccessDep = Annotated[RecordingAccess, Depends(_recording_dependency)]
"""Every route under /recordings/{recording_id} takes the recording through this."""


@answers(403)
async def _managed_recording(access: RecordingAccessDep) -> RecordingAccess:
    require_manager(access)
    return access


RecordingManagerDep = Annotated[RecordingAccess, Depends(_managed_recording)]
"""A recording a lead manages (grants, second raters): refused before the body is read."""


@answers(403)
async def _conversation_recording(access: RecordingAccessDep) -> RecordingAccess:
    require_conversation(access)
    return access


RecordingConversationDep = Annotated[RecordingAccess, Depends(_conversation_recording)]
"""A recording whose conversation the caller takes part in (403 for others who see it)."""

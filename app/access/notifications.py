"""Which notifications a person is shown: their own, about what they may still see.

A notification names the resource it is about. It is shown only while its recipient may
see that resource by the resource's own rule: a submitted observation by
`observations.visible`, a comment by `conversation.readable_comments` (the media rule
and blind double coding), a reflection by `conversation.readable_reflections`, an
objective by `objectives.visible`, a rejected upload by the recording's details rule; and
never once its recording is erased. Access withdrawn hides it at once, and it comes back
only if access does.

The rule differs between people only by the roles they hold in each of their
organisations (their `Shape`), so its statements are built once per shape with the ids left
as parameters (see `MemberTemplate`): the PWA asks the unread count before every screen,
and building the rule cost several times what running it does.

The list, the unread count, the email digest and Web Push all ask this one rule: a
blind rater's scores, a thread a blind rater may not read and a shared reflection for a
coach no longer assigned notify nobody until (unless) they may see them; drafts and
private reflections make no notification at all. Someone else's notification is a 404,
like any resource the caller may not see.
"""

import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, bindparam, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import objectives, observations
from app.access.conversation import readable_comments, readable_reflections
from app.access.members import (
    Member,
    MemberTemplate,
    Principal,
    bound_to,
    member_of,
    roles_by_membership,
)
from app.access.recordings import details_rule
from app.errors import NotFound
from app.models import (
    Comment,
    LearningObjective,
    Membership,
    Notification,
    NotificationKind,
    Observation,
    Organisation,
    Recording,
    RecordingStatus,
    Reflection,
    Role,
    User,
)

Ids = SelectOfScalar[uuid.UUID]

Shape = tuple[frozenset[Role], ...]
"""The roles one person holds in each of their organisations, in `members_of`'s order."""


def _observations(member: Principal) -> Ids:
    return select(col(Observation.id)).where(
        col(Observation.organisation_id) == member.organisation_id, observations.visible(member)
    )


def _comments(member: Principal) -> Ids:
    root = aliased(Comment)
    return (
        select(col(Comment.id))
        .join(Recording, col(Recording.id) == col(Comment.recording_id))
        .outerjoin(root, col(root.id) == col(Comment.parent_id))
        .where(
            col(Comment.organisation_id) == member.organisation_id,
            col(Comment.deleted_at).is_(None),
            readable_comments(member, root),
        )
    )


def _reflections(member: Principal) -> Ids:
    return (
        select(col(Reflection.id))
        .join(Recording, col(Recording.id) == col(Reflection.recording_id))
        .where(
            col(Reflection.organisation_id) == member.organisation_id,
            readable_reflections(member),
        )
    )


def _objectives(member: Principal) -> Ids:
    return select(col(LearningObjective.id)).where(
        col(LearningObjective.organisation_id) == member.organisation_id,
        objectives.visible(member),
    )


def _recordings(member: Principal) -> Ids:
    return select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id, details_rule(member)
    )


# Each kind, and the rule of the resource it is about.
_RULES: dict[NotificationKind, Callable[[Principal], ColumnElement[bool]]] = {
    NotificationKind.feedback_submitted: lambda m: col(Notification.observation_id).in_(
        _observations(m)
    ),
    NotificationKind.comment: lambda m: col(Notification.comment_id).in_(_comments(m)),
    NotificationKind.reflection_shared: lambda m: col(Notification.reflection_id).in_(
        _reflections(m)
    ),
    NotificationKind.reflection_reply: lambda m: col(Notification.reflection_id).in_(
        _reflections(m)
    ),
    NotificationKind.objective_updated: lambda m: col(Notification.objective_id).in_(
        _objectives(m)
    ),
    NotificationKind.upload_rejected: lambda m: col(Notification.recording_id).in_(_recordings(m)),
}


def visible(member: Principal) -> ColumnElement[bool]:
    """This member's notifications in their organisation that they may still see."""
    erased = select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id,
        col(Recording.status) == RecordingStatus.deleted,
    )
    recording = col(Notification.recording_id)
    return and_(
        col(Notification.recipient_user_id) == member.user_id,
        col(Notification.organisation_id) == member.organisation_id,
        or_(recording.is_(None), recording.not_in(erased)),
        or_(*(and_(col(Notification.kind) == kind, rule(member)) for kind, rule in _RULES.items())),
    )


def members_of(db: Session, user: User) -> list[Member]:
    """The caller as a member of each organisation they belong to (two queries)."""
    statement = (
        select(Membership, Organisation)
        .join(Organisation, col(Organisation.id) == col(Membership.organisation_id))
        .where(col(Membership.user_id) == user.id)
        .order_by(col(Organisation.id))
    )
    found = list(db.exec(statement))
    roles = roles_by_membership(db, [membership.id for membership, _ in found])
    return [
        Member(user, organisation, membership, roles[membership.id])
        for membership, organisation in found
    ]


def shape_of(members: Sequence[Member]) -> Shape:
    return tuple(member.roles for member in members)


def values_of(members: Sequence[Member]) -> dict[str, uuid.UUID]:
    """The values of `shown_rule(shape_of(members))`'s parameters."""
    values: dict[str, uuid.UUID] = {}
    for index, member in enumerate(members):
        values.update(bound_to(member, _name(index)))
    return values


@lru_cache(maxsize=128)
def shown_rule(shape: Shape) -> ColumnElement[bool]:
    """The notifications a person of this shape sees in all their organisations, their
    ids left as parameters (`values_of`)."""
    templates = (MemberTemplate(roles, _name(index)) for index, roles in enumerate(shape))
    return or_(false(), *(visible(template) for template in templates))


def _name(index: int) -> str:
    return f"member{index}"


def is_visible(db: Session, *, member: Member, notification_id: uuid.UUID) -> bool:
    values = {**bound_to(member), "notification_id": notification_id}
    return db.exec(_is_visible_statement(member.roles), params=values).first() is not None


@lru_cache(maxsize=64)
def _is_visible_statement(roles: frozenset[Role]) -> Ids:
    """`is_visible`'s query for members holding `roles` (asked once per notification
    made, and on each one marked read)."""
    return select(col(Notification.id)).where(
        col(Notification.id) == bindparam("notification_id"), visible(MemberTemplate(roles))
    )


def notification_for(db: Session, *, user: User, notification_id: uuid.UUID) -> Notification:
    """The caller's own notification while they may see what it is about, or 404."""
    notification = db.get(Notification, notification_id)
    if notification is None or notification.recipient_user_id != user.id:
        raise NotFound("Notification not found.")
    label = "Notification"
    member = member_of(db, user=user, organisation_id=notification.organisation_id, label=label)
    if not is_visible(db, member=member, notification_id=notification.id):
        raise NotFound("Notification not found.")
    return notification

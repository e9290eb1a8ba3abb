"""Which notifications a person is shown: their own, about what they may still see.

A notification names the resource it is about. It is shown only while its recipient may
see that resource by the resource's own rule: a submitted observation by
`observations.visible`, a comment by `conversation.readable_comments` (the media rule
and blind double coding), a reflection by `conversation.readable_reflections`, an
objective by `objectives.visible`, a rejected upload by the recording's details rule; and
never once its recording is erased. Access withdrawn hides it at once, and it comes back
only if access does.

The list, the unread count, the email digest and Web Push all ask this one rule: a
blind rater's scores, a thread a blind rater may not read and a shared reflection for a
coach no longer assigned notify nobody until (unless) they may see them; drafts and
private reflections make no notification at all. Someone else's notification is a 404,
like any resource the caller may not see.
"""

import uuid
from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, false, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.access import objectives, observations
from app.access.conversation import readable_comments, readable_reflections
from app.access.members import Member, member_of, roles_by_membership
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
    User,
)

Ids = SelectOfScalar[uuid.UUID]


def _observations(member: Member) -> Ids:
    return select(col(Observation.id)).where(
        col(Observation.organisation_id) == member.organisation_id, observations.visible(member)
    )


def _comments(member: Member) -> Ids:
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


def _reflections(member: Member) -> Ids:
    return (
        select(col(Reflection.id))
        .join(Recording, col(Recording.id) == col(Reflection.recording_id))
        .where(
            col(Reflection.organisation_id) == member.organisation_id,
            readable_reflections(member),
        )
    )


def _objectives(member: Member) -> Ids:
    return select(col(LearningObjective.id)).where(
        col(LearningObjective.organisation_id) == member.organisation_id,
        objectives.visible(member),
    )


def _recordings(member: Member) -> Ids:
    return select(col(Recording.id)).where(
        col(Recording.organisation_id) == member.organisation_id, details_rule(member)
    )


# Each kind, and the rule of the resource it is about.
_RULES: dict[NotificationKind, Callable[[Member], ColumnElement[bool]]] = {
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


def visible(member: Member) -> ColumnElement[bool]:
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


def shown_to(members: list[Member]) -> ColumnElement[bool]:
    """The notifications these members (one person, in each of their organisations) see."""
    return or_(false(), *(visible(member) for member in members))


def is_visible(db: Session, *, member: Member, notification_id: uuid.UUID) -> bool:
    statement = select(col(Notification.id)).where(
        col(Notification.id) == notification_id, visible(member)
    )
    return db.exec(statement).first() is not None


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

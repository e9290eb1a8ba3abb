"""Making notifications where things happen, and marking them read.

Services call `notify` in the transaction of the event itself, after flushing it: a
change rolled back leaves no notification, and Web Push goes only once it commits
(push.py). Everyone the event concerns (recipients.py) gets a row, but what they are
shown, counted, emailed and pushed is decided by the access rule alone
(app/access/notifications.py): a blind rater's thread is news to another rater only once
they may read it (when they have submitted), and a second rating only once the programme
counts it as feedback; until then nobody is told of it.
"""

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from app.access import Member, member_of
from app.access import notifications as policy
from app.errors import NotFound
from app.models import (
    Comment,
    LearningObjective,
    Notification,
    NotificationKind,
    Observation,
    Recording,
    Reflection,
    User,
)
from app.models.base import utcnow
from app.notifications import push
from app.notifications.recipients import About, candidates


def notify(
    db: Session, *, kind: NotificationKind, about: About, actor_user_id: uuid.UUID | None
) -> list[Notification]:
    """Notify the members `kind` concerns, except whoever caused it; those who may see
    `about` now are pushed to (the rest are shown it once they may)."""
    made, shown = [], []
    for user_id in sorted(candidates(db, kind=kind, about=about) - {actor_user_id}, key=str):
        member = _member(db, user_id, about.organisation_id)
        if member is None:
            continue
        notification = Notification(
            organisation_id=about.organisation_id,
            recipient_user_id=user_id,
            actor_user_id=actor_user_id,
            kind=kind,
            **_resource(about),
        )
        db.add(notification)
        db.flush()
        made.append(notification)
        if policy.is_visible(db, member=member, notification_id=notification.id):
            shown.append(notification)
    push.send_after_commit(db, shown)
    return made


def _member(db: Session, user_id: uuid.UUID, organisation_id: uuid.UUID) -> Member | None:
    user = db.get(User, user_id)
    if user is None or not user.is_active:
        return None
    try:
        return member_of(db, user=user, organisation_id=organisation_id)
    except NotFound:
        return None


def _resource(about: About) -> dict[str, Any]:
    if isinstance(about, Observation):
        return {"recording_id": about.recording_id, "observation_id": about.id}
    if isinstance(about, Comment):
        return {"recording_id": about.recording_id, "comment_id": about.id}
    if isinstance(about, Reflection):
        return {"recording_id": about.recording_id, "reflection_id": about.id}
    if isinstance(about, LearningObjective):
        return {"objective_id": about.id}
    assert isinstance(about, Recording)
    return {"recording_id": about.id}


def mark_read(db: Session, *, notification: Notification) -> Notification:
    """Reading it again keeps the first moment."""
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.add(notification)
        db.flush()
    return notification


def mark_all_read(db: Session, *, user: User) -> int:
    """Every unread notification the caller is shown, marked read in one statement."""
    members = policy.members_of(db, user)
    statement = (
        update(Notification)
        .where(col(Notification.read_at).is_(None), policy.shown_rule(policy.shape_of(members)))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    result = db.execute(statement, policy.values_of(members))
    marked: int = result.rowcount  # type: ignore[attr-defined]
    return marked

"""Who might want to hear of an event: the candidates, before the access rule narrows them.

Wide on purpose: whoever of these may not see the resource is dropped by the one rule in
app/access/notifications.py (a supervisor or lead never reads a conversation, a blind
rater never another's thread, nobody but the practitioner a private reflection).
"""

import uuid
from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.models import (
    Assignment,
    Comment,
    LearningObjective,
    NotificationKind,
    Observation,
    Recording,
    Reflection,
)
from app.models.organisation import AssignmentKind

About = Observation | Comment | Reflection | LearningObjective | Recording


def candidates(db: Session, *, kind: NotificationKind, about: About) -> set[uuid.UUID]:
    """The people an event of `kind` about `about` concerns."""
    if isinstance(about, Observation):
        # Feedback is for the practitioner whose session it scores.
        return {about.practitioner_user_id}
    if isinstance(about, Comment):
        owner = _owner(db, about.recording_id)
        return {owner, *_coaches(db, about.organisation_id, owner), *_in_thread(db, about)}
    if isinstance(about, Reflection):
        owner = _owner(db, about.recording_id)
        coaches = _coaches(db, about.organisation_id, owner)
        # Sharing is news to the coaches; a reply, to the practitioner and their coaches.
        return coaches if kind == NotificationKind.reflection_shared else {owner, *coaches}
    if isinstance(about, LearningObjective):
        practitioner = about.practitioner_user_id
        return {practitioner, *_coaches(db, about.organisation_id, practitioner)}
    # A recording: its upload was rejected, which only its uploader is waiting to hear.
    return {about.owner_user_id}


def _owner(db: Session, recording_id: uuid.UUID) -> uuid.UUID:
    owner: uuid.UUID = db.exec(
        select(col(Recording.owner_user_id)).where(col(Recording.id) == recording_id)
    ).one()
    return owner


def _coaches(db: Session, organisation_id: uuid.UUID, practitioner: uuid.UUID) -> set[uuid.UUID]:
    statement = select(col(Assignment.staff_user_id)).where(
        col(Assignment.organisation_id) == organisation_id,
        col(Assignment.practitioner_user_id) == practitioner,
        col(Assignment.kind) == AssignmentKind.coach,
    )
    return set(db.exec(statement))


def _in_thread(db: Session, comment: Comment) -> set[uuid.UUID]:
    """Everyone who wrote in the comment's thread (its root and every reply)."""
    root_id = comment.parent_id or comment.id
    statement = select(col(Comment.author_user_id)).where(
        col(Comment.organisation_id) == comment.organisation_id,
        (col(Comment.id) == root_id) | (col(Comment.parent_id) == root_id),
    )
    return _present(db.exec(statement))


def _present(ids: Iterable[uuid.UUID | None]) -> set[uuid.UUID]:
    return {user_id for user_id in ids if user_id is not None}

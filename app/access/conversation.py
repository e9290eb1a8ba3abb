"""Who reads which comment and reflection of a recording they take part in.

Comments: everyone who may watch the media (recordings.py), except that a rater who has
not submitted their own observation yet sees only the threads they or the practitioner
started: the other raters' comments carry their judgement, and double coding is blind.

Lists count the unread comments of many recordings at once, so the comment rule is also
written as SQL (`readable_comments`): the same two parts, media and blindness.

Reflections: private to the practitioner until shared; then also their assigned coaches.
Not second raters (they score independently), not leads or supervisors. For anyone else a
reflection is not even known to exist (404).
"""

import uuid
from typing import Any

from sqlalchemy import ColumnElement, and_, case, not_, or_
from sqlmodel import col

from app.access import relations
from app.access.members import Principal
from app.access.recordings import RecordingAccess, blind_rule, media_rule
from app.models import Comment, Recording, RecordingStatus, Reflection


def thread_readable(
    *, blind: bool, started_by: uuid.UUID | None, reader: uuid.UUID, practitioner: uuid.UUID
) -> bool:
    """The blind rule for one thread: a blind reader sees only threads they or the
    practitioner started."""
    return not blind or started_by in (reader, practitioner)


def may_read_thread(access: RecordingAccess, root: Comment) -> bool:
    """`root` is the first comment of a thread; replies go with it."""
    return thread_readable(
        blind=access.is_blind,
        started_by=root.author_user_id,
        reader=access.member.user_id,
        practitioner=access.recording.owner_user_id,
    )


def may_read_reflection(access: RecordingAccess, reflection: Reflection) -> bool:
    if access.is_owner:
        return True
    return reflection.shared_at is not None and access.coaches_owner


def readable_reflections(member: Principal) -> ColumnElement[bool]:
    """`may_read_reflection` as SQL, on `Reflection` joined to its `Recording` (for
    notifications, which are shown only while their reflection is readable)."""
    coaches_owner = and_(
        col(Recording.status) != RecordingStatus.deleted,
        col(Recording.owner_user_id).in_(relations.coached(member)),
    )
    return or_(
        col(Recording.owner_user_id) == member.user_id,
        and_(col(Reflection.shared_at).is_not(None), coaches_owner),
    )


def readable_comments(member: Principal, root: Any) -> ColumnElement[bool]:
    """`thread_readable` and the conversation rule as SQL, on `Comment` joined to its
    `Recording` and (outer) to `root`, an alias of Comment for a reply's thread root."""
    started_by = case(
        (col(Comment.parent_id).is_(None), col(Comment.author_user_id)),
        else_=root.author_user_id,
    )
    # A thread whose starter's account is gone (NULL) is not one a blind reader started.
    own_or_practitioner = started_by.in_([member.user_id, col(Recording.owner_user_id)])
    return and_(media_rule(member), or_(not_(blind_rule(member)), own_or_practitioner))

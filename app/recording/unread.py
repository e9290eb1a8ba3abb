"""Unread comments: each person's "last seen" marker per recording, and the comments by
others made since, counted for a whole page of recordings in one query.

Who may read which comment is the conversation rule (app/access/conversation.py): a
comment the reader may not see (a blind rater's view of other raters' threads, a recording
whose conversation they take no part in) never counts. Deleted comments do not count;
edits do not make a comment unread again.
"""

import uuid
from collections.abc import Collection
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from app.access import Member
from app.access.conversation import readable_comments
from app.access.members import MemberTemplate, bound_to
from app.access.recordings import RecordingAccess
from app.db import insert_or_merge
from app.models import Comment, Recording, RecordingSeen, Role
from app.models.base import utcnow


def mark_seen(db: Session, *, access: RecordingAccess) -> datetime:
    """Move the caller's marker on this recording to now; every comment so far is read."""
    seen_at = utcnow()
    values = {
        "user_id": access.member.user_id,
        "recording_id": access.recording.id,
        "organisation_id": access.recording.organisation_id,
        "seen_at": seen_at,
    }
    # An upsert: the review screen opened in two tabs at once must not fail the second.
    statement = insert_or_merge(db, RecordingSeen).values(values)
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "recording_id"],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )
    return seen_at


def unread_counts(
    db: Session, *, member: Member, recording_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """For each of these recordings with any, how many comments by others this member may
    read and has not seen: one query, however many recordings."""
    if not recording_ids:
        return {}
    values = {**bound_to(member), "recording_ids": list(recording_ids)}
    rows = db.execute(_unread_statement(member.roles), values)
    return {recording_id: count for recording_id, count in rows}


@lru_cache(maxsize=64)
def _unread_statement(roles: frozenset[Role]) -> Select[uuid.UUID, int]:
    """`unread_counts`'s query for members holding `roles` (see `MemberTemplate`): asked
    on every list and recording read, and building it cost more than running it."""
    member = MemberTemplate(roles)
    root = aliased(Comment)
    marker = and_(
        col(RecordingSeen.recording_id) == col(Comment.recording_id),
        col(RecordingSeen.user_id) == member.user_id,
    )
    author = col(Comment.author_user_id)
    return (
        select(col(Comment.recording_id), func.count())
        .join(Recording, col(Recording.id) == col(Comment.recording_id))
        .outerjoin(root, col(root.id) == col(Comment.parent_id))
        .outerjoin(RecordingSeen, marker)
        .where(
            col(Comment.organisation_id) == member.organisation_id,
            col(Comment.recording_id).in_(bindparam("recording_ids", expanding=True)),
            col(Comment.deleted_at).is_(None),
            # A comment whose author's account is gone was still someone else's.
            or_(author.is_(None), author != member.user_id),
            or_(
                col(RecordingSeen.seen_at).is_(None),
                col(Comment.created_at) > col(RecordingSeen.seen_at),
            ),
            readable_comments(member, root),
        )
        .group_by(col(Comment.recording_id))
    )

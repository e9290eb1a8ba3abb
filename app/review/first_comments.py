"""Each person's first comment on each recording, kept as comments are written and deleted.

The turnaround report asks, of every recording of a year, when each reviewer first
answered it. Found from the comments themselves, that was a join of every comment of the
period to its recording, then a sort and a grouping of them all: about 140 ms of the
report's 550 on the benchmark's organisation (141,884 comments). Kept here, it is one row
per recording and person, read as it is.

What is kept is the earliest comment (a thread or a reply) not deleted; who may count it
(a reviewer, not the recording's owner; not on a recording the reader rates blind) is the
report's question, asked of these rows (app/access/figures.py). A comment's time never
changes once written, so a new comment can only move the first one earlier, and only a
deletion needs the comments read again. An account that goes takes its rows with it
(foreign key), as does a recording.
"""

from datetime import datetime

from sqlalchemy import case, delete, func, insert, select
from sqlmodel import Session, col

from app.access.members import OrganisationId
from app.db import insert_or_merge
from app.models import Comment, FirstComment


def comment_written(db: Session, comment: Comment) -> None:
    """A new comment (or reply) may be its author's first on the recording. Two comments
    written at once by one person both land, in either order, and the earlier wins."""
    if comment.author_user_id is not None:
        _keep(db, comment, comment.created_at, earlier_only=True)


def comment_deleted(db: Session, comment: Comment) -> None:
    """A comment deleted (or left as a tombstone): its author's first comment on the
    recording is the earliest left, or there is none."""
    if comment.author_user_id is None:
        return
    earliest = db.execute(
        select(func.min(col(Comment.created_at))).where(
            col(Comment.recording_id) == comment.recording_id,
            col(Comment.author_user_id) == comment.author_user_id,
            col(Comment.deleted_at).is_(None),
        )
    ).scalar_one()
    if earliest is not None:
        _keep(db, comment, earliest, earlier_only=False)
        return
    db.execute(
        delete(FirstComment).where(
            col(FirstComment.recording_id) == comment.recording_id,
            col(FirstComment.author_user_id) == comment.author_user_id,
        )
    )


def refill(db: Session, organisation_id: OrganisationId) -> None:
    """Every first comment of an organisation found again from its comments, as the
    migration that made the table did: for comments written in bulk (the benchmarks'
    generator), where nothing kept them one by one."""
    pair = (col(Comment.recording_id), col(Comment.author_user_id))
    db.execute(delete(FirstComment).where(col(FirstComment.organisation_id) == organisation_id))
    earliest = (
        select(*pair, col(Comment.organisation_id), func.min(col(Comment.created_at)))
        .where(
            col(Comment.organisation_id) == organisation_id,
            col(Comment.deleted_at).is_(None),
            col(Comment.author_user_id).is_not(None),
        )
        .group_by(*pair, col(Comment.organisation_id))
    )
    columns = ["recording_id", "author_user_id", "organisation_id", "first_at"]
    db.execute(insert(FirstComment).from_select(columns, earliest))


def _keep(db: Session, comment: Comment, first_at: datetime, *, earlier_only: bool) -> None:
    """Insert the author's row for the recording, or on a conflict update its time: to
    `first_at`, or (`earlier_only`) to whichever of the two is earlier."""
    statement = insert_or_merge(db, FirstComment).values(
        recording_id=comment.recording_id,
        author_user_id=comment.author_user_id,
        organisation_id=comment.organisation_id,
        first_at=first_at,
    )
    kept, given = col(FirstComment.first_at), statement.excluded.first_at
    db.execute(
        statement.on_conflict_do_update(
            index_elements=["recording_id", "author_user_id"],
            set_={"first_at": case((given < kept, given), else_=kept) if earlier_only else given},
        )
    )
